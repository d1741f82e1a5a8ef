import type { SqliteDatabase } from '../../store/database.js';

export interface BacklogReading {
  /** Undelivered rows of this lane. */
  pending: number;
  /** Their payload size in bytes (UTF-8). */
  bytes: number;
  /** created_at of the oldest undelivered row, epoch ms; null when none. */
  oldestAt: number | null;
}

/**
 * Size of the undelivered outbox, kept up to date without re-reading every payload: one full
 * count at start (and every `fullEveryMs` to correct any drift), then only rows newer than the
 * last one seen are added, and delivered rows are subtracted as the drainer reports them. A
 * full scan of a backlog of a million rows every few seconds would compete with the journal.
 * octet_length reads the size from the record header, not the text itself. Undelivered is the
 * store's rule: above the lane's delivered watermark and delivered_at not set.
 */
export class BacklogMeter {
  private pending = 0;
  private bytes = 0;
  private lastSeq = 0;
  private lastFullAt = Number.NEGATIVE_INFINITY;
  private readonly fullStmt;
  private readonly newStmt;
  private readonly oldestStmt;
  private readonly watermarkStmt;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly lane: string,
    private readonly fullEveryMs = 600_000,
  ) {
    this.fullStmt = db.prepare(
      `SELECT count(*) AS n, coalesce(sum(octet_length(payload)), 0) AS bytes,
              (SELECT coalesce(max(seq), 0) FROM outbox WHERE lane = ?1) AS maxSeq
       FROM outbox WHERE lane = ?1 AND delivered_at IS NULL AND seq > ?2`,
    );
    this.newStmt = db.prepare(
      `SELECT count(*) AS n, coalesce(sum(octet_length(payload)), 0) AS bytes, coalesce(max(seq), ?2) AS maxSeq
       FROM outbox WHERE lane = ?1 AND seq > ?2 AND delivered_at IS NULL`,
    );
    this.oldestStmt = db.prepare('SELECT created_at FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT 1').pluck();
    this.watermarkStmt = db.prepare('SELECT delivered_through FROM outbox_watermark WHERE lane = ?').pluck();
  }

  /** Brings the reading up to date (a full count when due) and returns it. */
  read(now: number): BacklogReading {
    const watermark = (this.watermarkStmt.get(this.lane) as number | undefined) ?? 0;
    if (now - this.lastFullAt >= this.fullEveryMs) {
      const r = this.fullStmt.get({ 1: this.lane, 2: watermark }) as { n: number; bytes: number; maxSeq: number };
      this.pending = r.n;
      this.bytes = r.bytes;
      this.lastSeq = r.maxSeq;
      this.lastFullAt = now;
    } else {
      // Rows committed and already under the watermark by now were never counted: not added either.
      const r = this.newStmt.get({ 1: this.lane, 2: Math.max(this.lastSeq, watermark) }) as { n: number; bytes: number; maxSeq: number };
      this.pending += r.n;
      this.bytes += r.bytes;
      // Rows committed after lastSeq but already delivered are never counted, so never subtracted.
      const maxAll = this.db.prepare('SELECT coalesce(max(seq), 0) FROM outbox WHERE lane = ?').pluck().get(this.lane) as number;
      this.lastSeq = Math.max(this.lastSeq, r.maxSeq, maxAll);
    }
    const oldest = this.oldestStmt.get(this.lane, watermark) as number | undefined;
    if (oldest === undefined) {
      this.pending = 0;
      this.bytes = 0;
    }
    return { pending: this.pending, bytes: this.bytes, oldestAt: oldest ?? null };
  }

  /** Rows the drainer saw acknowledged (and committed as delivered). */
  delivered(rows: readonly { seq: number; bytes: number }[]): void {
    for (const r of rows) {
      if (r.seq > this.lastSeq) continue;
      this.pending = Math.max(0, this.pending - 1);
      this.bytes = Math.max(0, this.bytes - r.bytes);
    }
  }

  /** The last reading without touching the database. */
  get last(): { pending: number; bytes: number } {
    return { pending: this.pending, bytes: this.bytes };
  }
}
