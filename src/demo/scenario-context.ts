import { request } from '../control/client.js';
import type { CentralEvent } from './demo-central.js';
import type { LaneName } from './orchestrator.js';

/** A passage as the lane journaled it (the fields the scenarios print). */
export interface SeenPassage {
  id: string;
  seq: number;
  outcome: string;
  reasons: string[];
  alarm: boolean;
  officerId: string | null;
}

export interface FlowSnapshot {
  phase: string;
  barriers: Record<string, string>;
  presence: Record<string, boolean>;
  suspended: string[];
}

interface DemoInfo {
  lanes: Record<LaneName, { id: string; socket: string; display: string }>;
  broker: string;
  seeded: Record<LaneName, boolean>;
}

/**
 * What a scenario may do, the way a person at the lane would: through the orchestrator's socket it
 * acts on the simulators (scanner, passport reader, RFID field, camera, loop); through each lane's own
 * control socket (the one lanectl uses) it breaks the beams (fake io inputs), presses the emergency
 * button, acts as the officer and reads what the lane decided. Everything it waits for is polled with a
 * generous bound, so a busy machine is slow, not wrong.
 */
export class ScenarioContext {
  private constructor(
    private readonly demoSocket: string,
    readonly info: DemoInfo,
    private readonly out: (line: string) => void,
  ) {}

  static async connect(demoSocket: string, out: (line: string) => void): Promise<ScenarioContext> {
    const info = (await request(demoSocket, 'info', {}, { timeoutMs: 5_000 })) as DemoInfo;
    return new ScenarioContext(demoSocket, info, out);
  }

  say(text: string): void {
    this.out(`  ${text}`);
  }

  demo(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return request(this.demoSocket, cmd, args, { timeoutMs: 30_000 });
  }

  lane(lane: LaneName, cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    return request(this.info.lanes[lane].socket, cmd, args, { timeoutMs: 15_000 });
  }

  /** Sets a fake-io input line of the lane (a beam broken, the emergency button held). */
  async input(lane: LaneName, line: string, active: boolean): Promise<void> {
    await this.lane(lane, 'sim input', { line, value: active });
  }

  /** The flow's phase, barrier positions and presence (the `flow` part of `lanectl status --json`). */
  async flow(lane: LaneName): Promise<FlowSnapshot> {
    const status = (await this.lane(lane, 'status')) as { flow?: FlowSnapshot };
    if (status.flow === undefined) throw new Error(`the ${lane} lane runs no passage flow (no flow: section in its config?)`);
    return status.flow;
  }

  async waitPhase(lane: LaneName, phases: readonly string[], timeoutMs = 20_000): Promise<string> {
    return this.poll(async () => {
      const { phase } = await this.flow(lane);
      return phases.includes(phase) ? phase : undefined;
    }, timeoutMs, `the ${lane} lane to reach ${phases.join(' or ')}`);
  }

  async lastSeq(lane: LaneName): Promise<number> {
    const r = (await this.lane(lane, 'passages last', { n: 1 })) as { passages: Array<{ record: SeenPassage }> };
    return r.passages[0]?.record.seq ?? 0;
  }

  /** The first passage journaled after `afterSeq` (the verdict of this scenario). */
  waitPassage(lane: LaneName, afterSeq: number, timeoutMs = 45_000): Promise<SeenPassage> {
    return this.poll(async () => {
      const r = (await this.lane(lane, 'passages last', { n: 5 })) as { passages: Array<{ record: SeenPassage }> };
      const newer = r.passages.map((p) => p.record).filter((p) => p.seq > afterSeq);
      return newer.length === 0 ? undefined : newer.reduce((a, b) => (a.seq < b.seq ? a : b));
    }, timeoutMs, `a verdict from the ${lane} lane`);
  }

  /** Every passage journaled after `afterSeq`, oldest first. */
  async passagesSince(lane: LaneName, afterSeq: number): Promise<SeenPassage[]> {
    const r = (await this.lane(lane, 'passages last', { n: 20 })) as { passages: Array<{ record: SeenPassage }> };
    return r.passages.map((p) => p.record).filter((p) => p.seq > afterSeq).sort((a, b) => a.seq - b.seq);
  }

  async centralCount(): Promise<number> {
    const r = (await this.demo('central', { since: 0 })) as { events: CentralEvent[] };
    return r.events.length;
  }

  /** The passage as the central system received it over MQTT. */
  waitCentral(passageId: string, timeoutMs = 30_000): Promise<CentralEvent> {
    return this.poll(async () => {
      const r = (await this.demo('central', { since: 0 })) as { events: CentralEvent[] };
      return r.events.find((e) => e.passageId === passageId);
    }, timeoutMs, 'the central system to receive the passage');
  }

  async walk(lane: LaneName, beam: string, people = 1): Promise<void> {
    for (let i = 0; i < people; i++) {
      await this.input(lane, beam, true);
      await sleep(400);
      await this.input(lane, beam, false);
      await sleep(250);
    }
  }

  async poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: Error | null = null;
    for (;;) {
      try {
        const v = await probe();
        if (v !== undefined) return v;
        lastError = null;
      } catch (err) {
        lastError = err as Error;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? ` (${lastError.message})` : ''}`);
      await sleep(200);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
