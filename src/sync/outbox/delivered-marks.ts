import type { SqliteDatabase } from '../../store/database.js';

/**
 * Delivered marks by sequence number, in contiguous ranges. The store's Outbox.markDelivered
 * takes message ids and updates one row per statement through the message_id index; at drain
 * rates of thousands of messages per second that was most of the drain's CPU (measured with
 * bench/outbox.ts). PUBACKs arrive almost in seq order, so the acknowledged seqs form a few runs,
 * each one UPDATE over the primary key. Only seqs that were acknowledged are in a run: a run is
 * a sequence of consecutive integers that are all in the acknowledged set.
 *
 * Same rule as the store: only rows still undelivered are touched, the count returned is the
 * number of rows that left the backlog.
 *
 * The marks are committed with synchronous=NORMAL (restored to the store's setting right after,
 * in the same synchronous call: nothing else can write in between). In WAL mode that commit is
 * atomic but not fsynced; the next FULL commit (the journal's next passage) fsyncs it along. A
 * power cut can at worst undo recent marks, and those rows are sent again: QoS 1 duplicates the
 * central de-duplicates by id. What is never relaxed: a row is never marked before its PUBACK,
 * and no passage commit loses its fsync. Without this, one fsync per flush was most of the
 * drain's time on an industrial PC's flash.
 */
export class DeliveredMarks {
  private readonly rangeStmt;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly lane: string,
  ) {
    this.rangeStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE lane = ? AND seq BETWEEN ? AND ? AND delivered_at IS NULL');
  }

  /** Marks the given seqs delivered at `at` in one transaction; returns how many rows changed. */
  mark(seqs: readonly number[], at: number): number {
    if (seqs.length === 0) return 0;
    const sorted = [...seqs].sort((a, b) => a - b);
    if (this.db.inTransaction) return this.update(sorted, at); // the caller's transaction decides
    const previous = String(this.db.pragma('synchronous', { simple: true }));
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.db.transaction(() => this.update(sorted, at))();
    } finally {
      this.db.pragma(`synchronous = ${SYNC_NAMES[previous] ?? 'FULL'}`);
    }
  }

  private update(sorted: readonly number[], at: number): number {
    let changed = 0;
    let start = sorted[0]!;
    let prev = start;
    for (let i = 1; i <= sorted.length; i++) {
      const seq = sorted[i];
      if (seq === prev) continue; // the same row acknowledged twice
      if (seq === prev + 1) {
        prev = seq;
        continue;
      }
      changed += this.rangeStmt.run(at, this.lane, start, prev).changes;
      if (seq === undefined) break;
      start = prev = seq;
    }
    return changed;
  }
}

/** PRAGMA synchronous reads back as a number. */
const SYNC_NAMES: Readonly<Record<string, string>> = { '0': 'OFF', '1': 'NORMAL', '2': 'FULL', '3': 'EXTRA' };
