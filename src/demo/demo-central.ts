import type { KeyObject } from 'node:crypto';
import { CentralSim } from '../sync/central-sim/central-sim.js';
import type { SimLists } from '../sync/central-sim/central-sim.js';

/** A passage or alarm as the central system received it (the outbox envelope's body). */
export interface CentralEvent {
  n: number;
  lane: string;
  type: string;
  seq: number;
  id: string;
  /** For passages: the journal record id, outcome, reasons, alarm. */
  passageId?: string;
  outcome?: string;
  reasons?: string[];
  alarm?: boolean;
}

const RESEED_MIN_INTERVAL_MS = 10_000;

/**
 * The central system of the demo: CentralSim (src/sync/central-sim) connected to the embedded broker,
 * signing with the demo's central key. It keeps the lanes' caches seeded: whenever a lane announces a
 * list version other than the demo's, it sends that lane a signed snapshot (so a fresh lane, or one whose
 * database was deleted, is filled without a step from the user). It prints what the lanes send.
 */
export class DemoCentral {
  readonly sim: CentralSim;
  readonly events: CentralEvent[] = [];
  private readonly lastSeed = new Map<string, number>();

  constructor(
    url: string,
    site: string,
    key: KeyObject,
    private readonly lists: SimLists,
    private readonly print: (line: string) => void,
  ) {
    this.sim = new CentralSim({ url, site, key, lists, mqtt: { protocolVersion: 4 } });
    this.sim.on('state', (lane, state) => {
      if (state.state === 'online') {
        this.print(`central: ${lane} online (mode ${state.mode}, health ${state.health.summary}, outbox ${state.outbox.pending})`);
        this.reseed(lane, state.lists ?? {});
      } else this.print(`central: ${lane} offline (${state.reason})`);
    });
    this.sim.on('raw', (topic, payload) => this.onRaw(topic, payload));
    this.sim.on('result', (r) => this.print(`central: ${r.lane} cmd-result ${r.name ?? '?'} ${r.status}${r.reason ? ` (${r.reason})` : ''}`));
    this.sim.on('malformed', (topic, reason) => this.print(`central: MALFORMED ${topic}: ${reason}`));
  }

  start(): Promise<void> {
    return this.sim.start();
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  /** Lanes whose announced list versions are all the demo's. */
  seeded(lane: string): boolean {
    const state = this.sim.states.get(lane);
    if (state?.state !== 'online') return false;
    return Object.entries(this.lists).every(([list, { version }]) => state.lists?.[list] === version);
  }

  private reseed(lane: string, versions: Record<string, number>): void {
    for (const [list, { version, rows }] of Object.entries(this.lists)) {
      if (versions[list] === version) continue;
      const key = `${lane}/${list}`;
      const now = Date.now();
      // A lane that refuses the snapshot (wrong key) would otherwise be sent one at every state message.
      if (now - (this.lastSeed.get(key) ?? 0) < RESEED_MIN_INTERVAL_MS) continue;
      this.lastSeed.set(key, now);
      this.sim
        .publishSnapshot(list, version, rows, lane)
        .then(() => this.print(`central: sent ${lane} a signed snapshot of ${list} v${version} (${rows.length} rows)`))
        .catch((err: Error) => this.print(`central: snapshot of ${list} to ${lane} failed: ${err.message}`));
    }
  }

  private onRaw(topic: string, payload: Buffer): void {
    const levels = topic.split('/');
    const lane = levels[3];
    if (lane === undefined || levels[4] !== 'event') return;
    let json: { id?: unknown; seq?: unknown; type?: unknown; body?: Record<string, unknown> };
    try {
      json = JSON.parse(payload.toString('utf8')) as typeof json;
    } catch {
      return;
    }
    if (typeof json.id !== 'string' || typeof json.seq !== 'number') return;
    if (this.events.some((e) => e.lane === lane && e.id === json.id)) return; // a QoS 1 redelivery
    const body = json.body ?? {};
    const event: CentralEvent = { n: this.events.length + 1, lane, type: String(json.type), seq: json.seq, id: json.id };
    if (event.type === 'event/passage') {
      event.passageId = String(body.id);
      event.outcome = String(body.outcome);
      event.reasons = Array.isArray(body.reasons) ? body.reasons.map(String) : [];
      event.alarm = body.alarm === true;
    }
    this.events.push(event);
    const what = event.outcome ? ` ${event.outcome.toUpperCase()}${event.reasons?.length ? ` ${event.reasons.join(',')}` : ''}${event.alarm ? ' (alarm)' : ''}` : '';
    this.print(`central: ${lane} ${event.type} seq=${event.seq}${what}`);
  }
}
