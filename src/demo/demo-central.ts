import type { KeyObject } from 'node:crypto';
import { CentralSim, type CentralSimOptions, type SimLists } from '../sync/central-sim/central-sim.js';
import { ListSeeder, parseEventEnvelope } from './central-seeding.js';

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

/**
 * What the demo's central and the chaos run's central share: a CentralSim whose lanes' caches a
 * ListSeeder keeps filled, started and stopped as one. Subclasses decide which lane messages to watch
 * (and call seeder.reseed when a lane comes online), so each keeps its own printing and records.
 */
export class SeedingCentral {
  readonly sim: CentralSim;
  protected readonly seeder: ListSeeder;

  /** `announce`: the seeder prints each snapshot it sends (the demo shows it, the chaos run does not). */
  constructor(options: CentralSimOptions & { lists: SimLists }, print: (line: string) => void, announce = false) {
    this.sim = new CentralSim(options);
    this.seeder = new ListSeeder(this.sim, options.lists, print, announce);
  }

  start(): Promise<void> {
    return this.sim.start();
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }

  /** Lanes whose announced list versions are all the central's. */
  seeded(lane: string): boolean {
    return this.seeder.seeded(lane);
  }
}

/**
 * The central system of the demo: CentralSim (src/sync/central-sim) connected to the embedded broker,
 * signing with the demo's central key. It keeps the lanes' caches seeded: whenever a lane announces a
 * list version other than the demo's, it sends that lane a signed snapshot (so a fresh lane, or one whose
 * database was deleted, is filled without a step from the user). It prints what the lanes send.
 */
export class DemoCentral extends SeedingCentral {
  readonly events: CentralEvent[] = [];

  constructor(
    url: string,
    site: string,
    key: KeyObject,
    lists: SimLists,
    private readonly print: (line: string) => void,
  ) {
    super({ url, site, key, lists, mqtt: { protocolVersion: 4 } }, print, true);
    this.sim.on('state', (lane, state) => {
      if (state.state === 'online') {
        this.print(`central: ${lane} online (mode ${state.mode}, health ${state.health.summary}, outbox ${state.outbox.pending})`);
        this.seeder.reseed(lane, state.lists ?? {});
      } else this.print(`central: ${lane} offline (${state.reason})`);
    });
    this.sim.on('raw', (topic, payload) => this.onRaw(topic, payload));
    this.sim.on('result', (r) => this.print(`central: ${r.lane} cmd-result ${r.name ?? '?'} ${r.status}${r.reason ? ` (${r.reason})` : ''}`));
    this.sim.on('malformed', (topic, reason) => this.print(`central: MALFORMED ${topic}: ${reason}`));
  }

  private onRaw(topic: string, payload: Buffer): void {
    const json = parseEventEnvelope(topic, payload);
    if (json === null) return;
    const { lane } = json;
    if (this.events.some((e) => e.lane === lane && e.id === json.id)) return; // a QoS 1 redelivery
    const { body } = json;
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
