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

export interface LoadStats {
  ticks: number;
  /** Ticks that found their lane still busy with the previous passage. */
  busy: number;
  started: Record<string, number>;
  completed: Record<string, number>;
  failed: Record<string, number>;
  failures: Array<{ at: number; lane: LaneName; scenario: string; error: string }>;
}

/**
 * The passage load: every `periodMs` the next lane in turn (people, vehicle, people, ...) is offered a
 * passage; if that lane is still busy with its previous one, the tick is counted as busy (a lane takes
 * seconds per passage: doors and the barrier move). Scenarios are the demo's own (src/demo/scenarios.ts),
 * run against the chaos rig's demo socket. A scenario that fails under a fault is counted and the lane's
 * simulated people and vehicles are cleared (beams, loop, tag) so the next passage starts clean.
 */
export class PassageLoad {
  readonly stats: LoadStats = { ticks: 0, busy: 0, started: {}, completed: {}, failed: {}, failures: [] };
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
    this.timer = setInterval(() => this.tick(), this.periodMs);
  }

  /** Stops offering passages and waits for the ones under way (bounded by the scenarios' own timeouts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.running.values()]);
  }

  private tick(): void {
    const lane: LaneName = this.turn++ % 2 === 0 ? 'people' : 'vehicle';
    this.stats.ticks += 1;
    if (this.running.has(lane)) {
      this.stats.busy += 1;
      return;
    }
    const drawn = weighted(this.rng, MIX[lane]);
    const scenario = this.preferred.get(lane) ?? drawn;
    this.preferred.delete(lane);
    const run = this.run(lane, scenario).finally(() => this.running.delete(lane));
    this.running.set(lane, run);
  }

  private async run(lane: LaneName, scenario: ScenarioName): Promise<void> {
    bump(this.stats.started, scenario);
    try {
      const context = await ScenarioContext.connect(this.demoSocket, (line) => this.out(`[${lane}] ${line}`));
      await SCENARIO_RUNNERS[scenario](context);
      bump(this.stats.completed, scenario);
    } catch (err) {
      bump(this.stats.failed, scenario);
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
