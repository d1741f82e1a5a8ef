/**
 * The flow's `journal` effect: the verdict is appended to the journal (with its outbox row), a
 * granted single-use token is redeemed, and the flow hears `journaled` or `journal-failed`. Nothing
 * moves for a passage whose verdict is not durable.
 */
import type { CommonFlowEvent, JournalDraft } from '../flow-types.js';
import type { RunnerCore } from './runner-core.js';

export interface JournalStepHost {
  /** Steps the flow with the journal's answer (called from the serial queue). */
  step(e: CommonFlowEvent): void;
  /** A verdict was journaled: one more passage decided. */
  decided(): void;
}

export class JournalStep {
  constructor(
    private readonly core: RunnerCore,
    private readonly host: JournalStepHost,
  ) {}

  append(passage: string, record: JournalDraft): void {
    const { core } = this;
    try {
      const r = core.ports.journal.append(record);
      core.counts.journaled += 1;
      this.host.decided();
      core.note('verdict', { passage, passageId: r.passageId, outcome: record.outcome, reasons: record.reasons.join(',') || null, officer: record.officerId !== null });
      if (record.outcome === 'grant') this.redeemToken(record);
      core.post(() => this.host.step({ type: 'journaled', at: core.now(), passage, passageId: r.passageId, seq: r.seq }));
    } catch (err) {
      core.counts.journalFailures += 1;
      const why = err instanceof Error ? err.message.slice(0, 120) : 'journal append failed';
      core.ports.log.error({ passage, err: why }, 'journal append failed: nothing moves for this passage');
      core.note('journal-failed', { passage, error: why });
      core.post(() => this.host.step({ type: 'journal-failed', at: core.now(), passage, error: why }));
    }
  }

  /**
   * A granted single-use QR token is used up once the grant is durable, so the same code cannot
   * open the lane twice (the lookup then reads it as `used`: CREDENTIAL_ALREADY_USED).
   */
  private redeemToken(record: JournalDraft): void {
    const { core } = this;
    const c = record.evidence['credential'] as { kind?: unknown; idHash?: unknown } | null | undefined;
    const redeem = core.ports.journal.redeem;
    if (!redeem || !c || c.kind !== 'qr-token' || typeof c.idHash !== 'string') return;
    const outcome = core.guard('journal', () => redeem.call(core.ports.journal, c.idHash as string), 'error');
    core.note('token', { outcome });
  }
}
