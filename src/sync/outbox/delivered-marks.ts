import type { SqliteDatabase } from '../../store/database.js';
import type { Outbox } from '../../store/outbox.js';

/**
 * Writes delivered marks for the drain, in as few statements as possible.
 *
 * - advance(seq): the lane's delivered WATERMARK (every row up to seq acknowledged), one single-row
 *   UPDATE however many rows it covers. This is the normal path: marking each row (an UPDATE of the
 *   row and of the pending index per message) was most of the gap between the drain and a bare
 *   mqtt.js publish loop in bench/outbox.ts.
 * - mark(seqs): rows one by one, in contiguous runs (one UPDATE per run over the primary key), for
 *   the few acknowledgements that cannot join the watermark, e.g. out-of-order PUBACKs still held
 *   when a connection ends. Only rows still undelivered are touched; the count returned is the
 *   number of rows that left the backlog.
 *
 * Both commit with synchronous=NORMAL (restored to the store's setting right after, in the same
 * synchronous call: nothing else can write in between). In WAL mode that commit is atomic but not
 * fsynced; the next FULL commit (the journal's next passage) fsyncs it along. A power cut can at
 * worst undo recent marks, and those rows are sent again: QoS 1 duplicates the central
 * de-duplicates by id. What is never relaxed: a row is never marked before its PUBACK, and no
 * passage commit loses its fsync.
 */
export class DeliveredMarks {
  private readonly rangeStmt;
  private readonly attemptStmt;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly outbox: Pick<Outbox, 'lane' | 'markDeliveredThrough'>,
  ) {
    this.rangeStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE lane = ? AND seq BETWEEN ? AND ? AND delivered_at IS NULL');
    this.attemptStmt = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE lane = ? AND seq = ?');
  }

  /**
   * Counts a failed publish on each row (lanectl outbox shows rows that keep failing), as the
   * store's Outbox.markAttempt does by message id. Rare (a lost connection): FULL durability.
   */
  markAttempts(seqs: readonly number[], at: number): void {
    if (seqs.length === 0) return;
    this.db.transaction(() => {
      for (const seq of seqs) this.attemptStmt.run(at, this.outbox.lane, seq);
    })();
  }

  /** Moves the watermark up to `seq` (never down); returns whether it moved. */
  advance(seq: number, at: number): boolean {
    return this.relaxed(() => this.outbox.markDeliveredThrough(seq, at));
  }

  /** Marks the given seqs delivered at `at` in one transaction; returns how many rows changed. */
  mark(seqs: readonly number[], at: number): number {
    if (seqs.length === 0) return 0;
    const sorted = [...seqs].sort((a, b) => a - b);
    return this.relaxed(() => this.update(sorted, at));
  }

  private relaxed<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn(); // the caller's transaction decides
    const previous = String(this.db.pragma('synchronous', { simple: true }));
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.db.transaction(fn)();
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
      changed += this.rangeStmt.run(at, this.outbox.lane, start, prev).changes;
      if (seq === undefined) break;
      start = prev = seq;
    }
    return changed;
  }
}

/** PRAGMA synchronous reads back as a number. */
const SYNC_NAMES: Readonly<Record<string, string>> = { '0': 'OFF', '1': 'NORMAL', '2': 'FULL', '3': 'EXTRA' };
