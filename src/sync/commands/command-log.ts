import type { SqliteDatabase } from '../../store/database.js';
import type { CommandOutcome, FirstResult, RejectionReason } from '../wire/up-messages.js';
import { isoOf } from '../wire/common.js';
import { CommandOrderTable, orderGroupOf, type OrderGroup } from './command-order.js';
import type { VerifiedCommand } from './verify-command.js';

/**
 * Persistent memory of command ids (table sync_command_log, store migration 005): the replay guard
 * and the idempotency record in one. `claim` commits the id before the command runs, together with
 * the issue-order watermark of the command's group (command-order.ts).
 */
export type ClaimResult =
  | { claimed: true }
  /** Known id. sameContent false: the id was reused for a different signed command. */
  | { claimed: false; sameContent: boolean; first: FirstResult }
  /**
   * New id, but issued before the last command of its order group that was taken for execution.
   * Already recorded as rejected (reason superseded), so a redelivery is answered as replayed.
   */
  | { claimed: false; superseded: { group: OrderGroup; lastIssuedAt: number } };

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
  private readonly order: CommandOrderTable;

  constructor(private readonly db: SqliteDatabase) {
    this.order = new CommandOrderTable(db);
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO sync_command_log (id, name, content_hash, received_at, expires_at, forget_after, status)
       VALUES (?, ?, ?, ?, ?, ?, 'executing')`,
    );
    this.select = db.prepare('SELECT content_hash, status, reason, outcome, finished_at FROM sync_command_log WHERE id = ?');
    this.finishStmt = db.prepare('UPDATE sync_command_log SET status = ?, reason = ?, outcome = ?, finished_at = ? WHERE id = ?');
    this.pruneStmt = db.prepare('DELETE FROM sync_command_log WHERE forget_after < ?');
  }

  /**
   * Records the id unless it is already known, and checks and advances the order watermark of the
   * command's group, all in one committed transaction: a crash after claim never leaves an id
   * without its watermark (or the reverse).
   */
  claim(cmd: VerifiedCommand, now: number, marginMs: number): ClaimResult {
    return this.db
      .transaction((): ClaimResult => {
        const info = this.insert.run(cmd.id, cmd.name, cmd.contentHash, now, cmd.expiresAt, cmd.expiresAt + marginMs);
        if (info.changes !== 1) {
          const row = this.select.get(cmd.id) as LogRow | undefined;
          if (row !== undefined) return { claimed: false, sameContent: row.content_hash === cmd.contentHash, first: toFirstResult(row) };
          // Pruned between the two statements cannot happen inside the transaction; kept as "new" for safety.
        }
        const group = orderGroupOf(cmd.name);
        if (group === null) return { claimed: true };
        const last = this.order.lastIssuedAt(group);
        // Strictly before: two commands issued in the same millisecond have no order to enforce.
        if (last !== null && cmd.issuedAt < last) {
          this.finishStmt.run('rejected', 'superseded', null, now, cmd.id);
          return { claimed: false, superseded: { group, lastIssuedAt: last } };
        }
        this.order.advance(group, cmd.issuedAt);
        return { claimed: true };
      })
      .immediate();
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
