import { request } from '../control/client.js';
import type { LaneName } from '../demo/orchestrator.js';
import { ScenarioContext } from '../demo/scenario-context.js';
import type { ScenarioName } from '../demo/scenario-names.js';
import { SCENARIO_RUNNERS } from '../demo/scenarios.js';
import type { Rng } from './rng.js';

/** Mostly grants, some denies and refers (weights). */
const MIX: Record<LaneName, ReadonlyArray<[ScenarioName, number]>> = {
  people: [
    ['traveller-qr', 50],
    ['traveller-signed-qr', 15],
    ['traveller-passport', 20],
    ['revoked-qr', 15],
  ],
  vehicle: [
    ['vehicle', 85],
    ['vehicle-mismatch', 15],
  ],
};

/** What one lane was offered and what it did with it. */
export interface LaneLoad {
  /** Ticks that offered this lane a passage. */
  offered: number;
  /** Offers let go because the lane was still busy with its previous passage (never queued). */
  busy: number;
  started: number;
  completed: number;
  failed: number;
  /** Wall time of each completed scenario (ms), for the mean and max per passage. */
  completedMs: number[];
}

export interface LoadStats {
  ticks: number;
  /** Ticks that found their lane still busy with the previous passage. */
  busy: number;
  started: Record<string, number>;
  completed: Record<string, number>;
  failed: Record<string, number>;
  failures: Array<{ at: number; lane: LaneName; scenario: string; error: string }>;
  perLane: Record<LaneName, LaneLoad>;
  /** When the load started and stopped offering (epoch ms; 0 until then). */
  startedAt: number;
  stoppedAt: number;
}

/** Offered vs completed, per lane and in all, as rates over the time the load was offered. */
export interface LoadSummary {
  seconds: number;
  offeredPerS: number;
  completedPerS: number;
  lanes: Array<{ lane: LaneName; offered: number; busy: number; started: number; completed: number; failed: number; completedPerS: number; meanS: number | null; maxS: number | null }>;
}

export function summariseLoad(stats: LoadStats): LoadSummary {
  const seconds = Math.max(0.001, ((stats.stoppedAt || Date.now()) - stats.startedAt) / 1000);
  const lanes = (Object.keys(stats.perLane) as LaneName[]).map((lane) => {
    const l = stats.perLane[lane];
    const total = l.completedMs.reduce((a, b) => a + b, 0);
    return {
      lane,
      offered: l.offered,
      busy: l.busy,
      started: l.started,
      completed: l.completed,
      failed: l.failed,
      completedPerS: round(l.completed / seconds),
      meanS: l.completedMs.length > 0 ? round(total / l.completedMs.length / 1000) : null,
      maxS: l.completedMs.length > 0 ? round(Math.max(...l.completedMs) / 1000) : null,
    };
  });
  return {
    seconds: round(seconds),
    offeredPerS: round(stats.ticks / seconds),
    completedPerS: round(lanes.reduce((a, l) => a + l.completed, 0) / seconds),
    lanes,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function blankLane(): LaneLoad {
  return { offered: 0, busy: 0, started: 0, completed: 0, failed: 0, completedMs: [] };
}

/**
 * The passage load: every `periodMs` the next lane in turn (people, vehicle, people, ...) is offered a
 * passage; if that lane is still busy with its previous one, the tick is counted as busy (a lane takes
 * one passage at a time, and each takes seconds: doors and the barrier move). Offered, busy, started,
 * completed and failed are counted per lane (summariseLoad gives the rates); nothing is queued or
 * counted as done that did not run to its end. Scenarios are the demo's own (src/demo/scenarios.ts),
 * run against the chaos rig's demo socket. A scenario that fails under a fault is counted and the lane's
 * simulated people and vehicles are cleared (beams, loop, tag) so the next passage starts clean.
 */
export class PassageLoad {
  readonly stats: LoadStats = { ticks: 0, busy: 0, started: {}, completed: {}, failed: {}, failures: [], perLane: { people: blankLane(), vehicle: blankLane() }, startedAt: 0, stoppedAt: 0 };
  private readonly running = new Map<LaneName, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private turn = 0;
  private readonly preferred = new Map<LaneName, ScenarioName>();

  constructor(
    private readonly demoSocket: string,
    private readonly laneSockets: Record<LaneName, string>,
    private readonly rng: Rng,
    private readonly periodMs = 200,
    private readonly out: (line: string) => void = () => undefined,
  ) {}

  /** The next passage on `lane` plays `scenario` (a fault wants the part it broke used again). */
  prefer(lane: LaneName, scenario: ScenarioName): void {
    this.preferred.set(lane, scenario);
  }

  start(): void {
    this.stats.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.periodMs);
  }

  /** Stops offering passages and waits for the ones under way (bounded by the scenarios' own timeouts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.stats.stoppedAt === 0) this.stats.stoppedAt = Date.now();
    await Promise.allSettled([...this.running.values()]);
  }

  private tick(): void {
    const lane: LaneName = this.turn++ % 2 === 0 ? 'people' : 'vehicle';
    this.stats.ticks += 1;
    this.stats.perLane[lane].offered += 1;
    if (this.running.has(lane)) {
      this.stats.busy += 1;
      this.stats.perLane[lane].busy += 1;
      return;
    }
    const drawn = weighted(this.rng, MIX[lane]);
    const scenario = this.preferred.get(lane) ?? drawn;
    this.preferred.delete(lane);
    const run = this.run(lane, scenario).finally(() => this.running.delete(lane));
    this.running.set(lane, run);
  }

  private async run(lane: LaneName, scenario: ScenarioName): Promise<void> {
    const mine = this.stats.perLane[lane];
    bump(this.stats.started, scenario);
    mine.started += 1;
    const t0 = Date.now();
    try {
      const context = await ScenarioContext.connect(this.demoSocket, (line) => this.out(`[${lane}] ${line}`));
      await SCENARIO_RUNNERS[scenario](context);
      bump(this.stats.completed, scenario);
      mine.completed += 1;
      mine.completedMs.push(Date.now() - t0);
    } catch (err) {
      bump(this.stats.failed, scenario);
      mine.failed += 1;
      this.stats.failures.push({ at: Date.now(), lane, scenario, error: (err as Error).message.slice(0, 200) });
      await this.clear(lane);
    }
  }

  /** Everyone walks away: beams clear, the vehicle leaves the loop, no tag, empty picture. */
  private async clear(lane: LaneName): Promise<void> {
    const quiet = async (fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch {
        /* the part is down (that is the fault under test); the next passage finds out */
      }
    };
    if (lane === 'people') {
      for (const line of ['entry-beam', 'exit-beam']) await quiet(() => request(this.laneSockets.people, 'sim input', { line, value: false }, { timeoutMs: 5_000 }));
    } else {
      await quiet(() => request(this.demoSocket, 'rfid-field', { vehicle: 'none' }, { timeoutMs: 5_000 }));
      await quiet(() => request(this.demoSocket, 'loop', { occupied: false }, { timeoutMs: 5_000 }));
      await quiet(() => request(this.demoSocket, 'camera-show', { vehicle: 'none' }, { timeoutMs: 5_000 }));
    }
    // Give the lane a moment to finish its timeouts before the next passage walks in.
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

function weighted<T>(rng: Rng, items: ReadonlyArray<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = rng.next() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
