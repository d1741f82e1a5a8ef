/**
 * The store as the runner sees it: lookups answer with the store's Facts, a verdict is appended to
 * the hash-chained journal with its outbox message in one transaction, and alarms / actions of
 * people go to the outbox for the central system. better-sqlite3 is synchronous, so these are plain
 * calls; the runner feeds their answers back as events.
 */
import type { Evidence, Facts } from '../../decision/types.js';
import type { JsonValue } from '../../store/canonical-json.js';
import type { Store } from '../../store/index.js';
import type { JournalDraft } from '../flow-types.js';
import type { FactsPort, JournalPort } from './ports.js';

export interface StoreAdapterOptions {
  /** The lane's face embedding model id (picks the enrolled template SubjectFacts names). */
  faceModelId?: string | null;
  /** Policy.maxPlateMatchDistance, read at each lookup (the policy changes on reload). */
  maxPlateDistance(): number;
  /**
   * Called after a passage or message is committed with its outbox row: the MQTT link sends it at
   * once instead of at its next outbox poll (250 ms). Never before the commit: the link must not
   * send a row a rollback could still remove.
   */
  outboxCommitted?: () => void;
}

export class StoreAdapter implements FactsPort, JournalPort {
  constructor(
    private readonly store: Pick<Store, 'factsFor' | 'journal' | 'outbox' | 'tokens'>,
    private readonly opts: StoreAdapterOptions,
  ) {}

  factsFor(evidence: Evidence, o: { now: number; liveFace?: { modelId: string; vector: Float32Array } | null }): Facts {
    return this.store.factsFor(evidence, {
      now: o.now,
      faceModelId: this.opts.faceModelId ?? null,
      liveFace: o.liveFace ?? null,
      maxPlateDistance: this.opts.maxPlateDistance(),
    });
  }

  append(record: JournalDraft): { passageId: string; seq: number } {
    const r = this.store.journal.append({
      kind: record.kind,
      direction: record.direction,
      stages: record.stages,
      evidence: record.evidence,
      outcome: record.outcome,
      reasons: record.reasons,
      alarm: record.alarm,
      officerId: record.officerId,
    });
    this.opts.outboxCommitted?.();
    return { passageId: r.record.id, seq: r.record.seq };
  }

  redeem(idHash: string): string {
    return this.store.tokens.consumeSingleUse(Buffer.from(idHash, 'hex'));
  }

  publish(topic: string, payload: JsonValue): void {
    this.store.outbox.enqueue(topic, payload);
    this.opts.outboxCommitted?.();
  }
}
