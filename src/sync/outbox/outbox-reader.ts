import type { SqliteDatabase } from '../../store/database.js';

/** One undelivered row as the drain needs it (array form: no per-row object allocation by SQLite). */
export type DrainRow = [seq: number, messageId: string, topic: string, payload: string, createdAt: number];

/** One row ready to publish: its event message text already built (see OutboxReader). */
export type SendRow = [seq: number, topic: string, text: string, payloadBytes: number];

/**
 * Reads undelivered outbox rows in seq order, as ready-to-send event messages. The store's
 * Outbox.pending returns every column as an object per row; at drain rates, turning each column
 * into a JS string and concatenating the envelope in JS was the largest cost of the drain after
 * mqtt.js itself (bench/outbox.ts), so SQLite builds the envelope text (EventEnvelope.text, same
 * bytes: a test compares them) and only seq, topic, that text and the payload size cross into JS.
 * json_quote escapes the id and type as JSON strings; the instant is ISO 8601 UTC with ms, as
 * Date.toISOString writes it. Same table, same order as Outbox.pending; the caller starts at or
 * above the delivered watermark (the other half of the store's "undelivered" rule, with
 * delivered_at IS NULL).
 */
export class OutboxReader {
  private readonly stmt;

  constructor(
    db: SqliteDatabase,
    private readonly lane: string,
    /** EventEnvelope.head: `{"v":1,"site":...,"lane":...,"id":` */
    private readonly head: string,
  ) {
    this.stmt = db
      .prepare(
        `SELECT seq, topic,
           ? || json_quote(message_id) || ',"seq":' || seq || ',"type":' || json_quote(topic)
             || ',"at":"' || strftime('%Y-%m-%dT%H:%M:%S', created_at / 1000, 'unixepoch') || '.' || printf('%03d', created_at % 1000)
             || 'Z","body":' || payload || '}',
           octet_length(payload)
         FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
      )
      .raw(true);
  }

  pending(afterSeq: number, limit: number): SendRow[] {
    return this.stmt.all(this.head, this.lane, afterSeq, limit) as SendRow[];
  }
}
