import type { CentralSim } from '../../src/sync/central-sim/central-sim.js';

/**
 * What the central simulator received during one phase of the fleet bench: passages per lane (unique
 * by envelope id; a repeated id is a QoS 1 redelivery, counted as a duplicate) and two latencies per
 * passage, both on this machine's one clock:
 * - commit -> central: the envelope's `at` (the outbox row's creation, committed in the same
 *   transaction as the journal row) to its arrival here;
 * - presented -> central: the record's `stages.presented` (the runner saw the code) to its arrival.
 *   Load lanes set their own stages, so only the runner phase reports it.
 */
export class CentralTap {
  readonly perLane = new Map<string, number>();
  readonly outcomes = new Map<string, number>();
  readonly commitToCentral: number[] = [];
  readonly presentedToCentral: number[] = [];
  duplicates = 0;
  malformed = 0;
  lastAt = 0;
  private readonly seen = new Set<string>();
  private readonly listener = (topic: string, payload: Buffer) => this.onRaw(topic, payload);

  constructor(private readonly central: CentralSim) {
    central.on('raw', this.listener);
  }

  close(): void {
    this.central.off('raw', this.listener);
  }

  total(): number {
    let n = 0;
    for (const v of this.perLane.values()) n += v;
    return n;
  }

  private onRaw(topic: string, payload: Buffer): void {
    if (!topic.endsWith('/event/passage')) return;
    const now = Date.now();
    let msg: { id?: unknown; at?: unknown; body?: { lane?: unknown; outcome?: unknown; stages?: { presented?: unknown } } };
    try {
      msg = JSON.parse(payload.toString('utf8')) as typeof msg;
    } catch {
      this.malformed += 1; // the ledger's business; counted so a broken payload is not a silent loss
      return;
    }
    if (typeof msg.id !== 'string' || typeof msg.body?.lane !== 'string') {
      this.malformed += 1;
      return;
    }
    if (this.seen.has(msg.id)) {
      this.duplicates += 1;
      return;
    }
    this.seen.add(msg.id);
    const lane = msg.body.lane;
    this.perLane.set(lane, (this.perLane.get(lane) ?? 0) + 1);
    const outcome = String(msg.body.outcome);
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    this.lastAt = performance.now();
    const at = typeof msg.at === 'string' ? Date.parse(msg.at) : Number.NaN;
    if (Number.isFinite(at)) this.commitToCentral.push(now - at);
    const presented = msg.body.stages?.presented;
    if (typeof presented === 'number' && Number.isFinite(presented)) this.presentedToCentral.push(now - presented);
  }
}
