import type { SqliteDatabase } from '../../store/database.js';

/** One undelivered row as the drain needs it (array form: no per-row object allocation by SQLite). */
export type DrainRow = [seq: number, messageId: string, topic: string, payload: string, createdAt: number];

/**
 * Reads undelivered outbox rows in seq order with only the columns the drain sends. The store's
 * Outbox.pending returns every column as an object per row; at drain rates the allocations showed
 * up as a large part of the time (bench/outbox.ts), so the drain reads raw rows here. Same table,
 * same order, same "undelivered" rule (delivered_at IS NULL) as Outbox.pending.
 */
export class OutboxReader {
  private readonly stmt;

  constructor(
    db: SqliteDatabase,
    private readonly lane: string,
  ) {
    this.stmt = db
      .prepare('SELECT seq, message_id, topic, payload, created_at FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?')
      .raw(true);
  }

  pending(afterSeq: number, limit: number): DrainRow[] {
    return this.stmt.all(this.lane, afterSeq, limit) as DrainRow[];
  }
}
