import type { KeyObject } from 'node:crypto';
import type { SimLists } from '../sync/central-sim/central-sim.js';
import { parseEventEnvelope } from '../demo/central-seeding.js';
import { SeedingCentral } from '../demo/demo-central.js';

/** A passage as the central system received it, after de-duplication by message id. */
export interface CentralPassage {
  /** Arrival order (1, 2, ...) across lanes. */
  n: number;
  /** The outbox envelope's per-lane event sequence number. */
  eventSeq: number;
  /** The journal record id. */
  passageId: string;
  outcome: string;
  /** The journal's sequence number and time of the record (from the passage body). */
  journalSeq: number;
  recordedAt: number;
  /** When it arrived here. */
  at: number;
  /** Which devices the verdict rests on (from the record's evidence): qr, document, epc, plate. */
  uses: PassageUse[];
}

export type PassageUse = 'qr' | 'document' | 'epc' | 'plate';

/** The devices a passage record's evidence shows were read (no values kept, only which kind). */
export function passageUses(evidence: unknown): PassageUse[] {
  if (evidence === null || typeof evidence !== 'object') return [];
  const e = evidence as Record<string, unknown>;
  const uses: PassageUse[] = [];
  const credential = e.credential as { kind?: unknown } | null | undefined;
  if (credential?.kind === 'qr-token' || credential?.kind === 'signed-qr') uses.push('qr');
  if (credential?.kind === 'travel-document' || credential?.kind === 'document-number') uses.push('document');
  if (typeof e.epc === 'string' && e.epc.length > 0) uses.push('epc');
  if (e.plateFront !== null && typeof e.plateFront === 'object') uses.push('plate');
  return uses;
}

/**
 * The central system of the chaos run: CentralSim on a persistent session (clean: false, a fixed client
 * id for the whole run) so that what lanes publish while the central is cut off by a broker restart is
 * queued by the broker rather than lost. Like the demo's central it reseeds lanes whose announced list
 * versions differ from its own. It records every passage event once per envelope id; CentralSim's
 * EventLedger checks the envelopes' sequence numbers.
 */
export class ChaosCentral extends SeedingCentral {
  readonly passages = new Map<string, CentralPassage[]>();
  /** Deliveries of an envelope id already recorded (QoS 1 redeliveries; allowed, de-duplicated). */
  redeliveries = 0;
  private readonly seenEnvelopes = new Set<string>();
  private n = 0;

  constructor(
    url: string,
    site: string,
    key: KeyObject,
    lists: SimLists,
    print: (line: string) => void,
  ) {
    super(
      {
        url,
        site,
        key,
        lists,
        mqtt: { protocolVersion: 4, clean: false, clientId: `chaos-central-${process.pid}`, reconnectPeriod: 250 },
      },
      print,
    );
    this.sim.on('state', (lane, state) => {
      if (state.state === 'online') this.seeder.reseed(lane, state.lists ?? {});
    });
    this.sim.on('raw', (topic, payload) => this.onRaw(topic, payload));
  }

  has(lane: string, passageId: string): boolean {
    return (this.passages.get(lane) ?? []).some((p) => p.passageId === passageId);
  }

  private onRaw(topic: string, payload: Buffer): void {
    const json = parseEventEnvelope(topic, payload);
    if (json === null || json.type !== 'event/passage') return;
    const { lane } = json;
    const envelope = `${lane}/${json.id}`;
    if (this.seenEnvelopes.has(envelope)) {
      this.redeliveries += 1;
      return;
    }
    this.seenEnvelopes.add(envelope);
    const { body } = json;
    let list = this.passages.get(lane);
    if (list === undefined) this.passages.set(lane, (list = []));
    this.n += 1;
    list.push({ n: this.n, eventSeq: json.seq, passageId: String(body.id), outcome: String(body.outcome), journalSeq: Number(body.seq), recordedAt: Number(body.recordedAt), at: Date.now(), uses: passageUses(body.evidence) });
  }
}
