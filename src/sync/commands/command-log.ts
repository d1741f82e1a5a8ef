import type { SqliteDatabase } from '../../store/database.js';
import type { CommandOutcome, FirstResult, RejectionReason } from '../wire/up-messages.js';
import { isoOf } from '../wire/common.js';
import type { VerifiedCommand } from './verify-command.js';

/**
 * Persistent memory of command ids (table sync_command_log, store migration 005): the replay guard
 * and the idempotency record in one. `claim` commits the id before the command runs.
 */
export type ClaimResult =
  | { claimed: true }
  /** Known id. sameContent false: the id was reused for a different signed command. */
  | { claimed: false; sameContent: boolean; first: FirstResult };

interface LogRow {
  content_hash: string;
  status: 'executing' | 'accepted' | 'rejected';
  reason: string | null;
  outcome: string | null;
  finished_at: number | null;
}

export const INTERRUPTED_DETAIL = 'interrupted by a lane restart while executing; outcome unknown, not run again';

export class CommandLog {
  private readonly insert;
  private readonly select;
  private readonly finishStmt;
  private readonly pruneStmt;

  constructor(private readonly db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO sync_command_log (id, name, content_hash, received_at, expires_at, forget_after, status)
       VALUES (?, ?, ?, ?, ?, ?, 'executing')`,
    );
    this.select = db.prepare('SELECT content_hash, status, reason, outcome, finished_at FROM sync_command_log WHERE id = ?');
    this.finishStmt = db.prepare('UPDATE sync_command_log SET status = ?, reason = ?, outcome = ?, finished_at = ? WHERE id = ?');
    this.pruneStmt = db.prepare('DELETE FROM sync_command_log WHERE forget_after < ?');
  }

  /** Records the id (committed) unless it is already known. */
  claim(cmd: VerifiedCommand, now: number, marginMs: number): ClaimResult {
    const info = this.insert.run(cmd.id, cmd.name, cmd.contentHash, now, cmd.expiresAt, cmd.expiresAt + marginMs);
    if (info.changes === 1) return { claimed: true };
    const row = this.select.get(cmd.id) as LogRow | undefined;
    if (row === undefined) return { claimed: true }; // pruned between the two statements: treat as new
    return { claimed: false, sameContent: row.content_hash === cmd.contentHash, first: toFirstResult(row) };
  }

  finish(id: string, status: 'accepted' | 'rejected', reason: RejectionReason | null, outcome: CommandOutcome | null, now: number): void {
    this.finishStmt.run(status, reason, outcome === null ? null : JSON.stringify(outcome), now, id);
  }

  /**
   * At start: commands that were executing when the lane died are closed as accepted with an
   * unknown outcome. They are NOT run again (a gate must not open twice for one command).
   */
  closeInterrupted(now: number): string[] {
    const ids = this.db.prepare("SELECT id FROM sync_command_log WHERE status = 'executing'").pluck().all() as string[];
    const outcome: CommandOutcome = { result: 'failed', detail: INTERRUPTED_DETAIL };
    for (const id of ids) this.finish(id, 'accepted', null, outcome, now);
    return ids;
  }

  /** Forgets ids whose command expired more than the margin ago; returns how many. */
  prune(now: number): number {
    return this.pruneStmt.run(now).changes;
  }

  count(): number {
    return Number(this.db.prepare('SELECT count(*) FROM sync_command_log').pluck().get());
  }
}

function toFirstResult(row: LogRow): FirstResult {
  const first: FirstResult = {
    status: row.status === 'rejected' ? 'rejected' : 'accepted',
    finishedAt: row.finished_at === null ? null : isoOf(row.finished_at),
  };
  if (row.reason !== null) first.reason = row.reason as RejectionReason;
  if (row.outcome !== null) first.outcome = JSON.parse(row.outcome) as CommandOutcome;
  else if (row.status === 'executing') first.outcome = { result: 'failed', detail: 'still executing' };
  return first;
}
