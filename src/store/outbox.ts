import type Database from 'better-sqlite3';
import type { Clock } from '../util/clock.js';
import { uuidv7 } from '../util/ids.js';
import { canonicalJson, type JsonValue } from './canonical-json.js';
import type { SqliteDatabase } from './database.js';
import { TOPIC } from './journal/passage-input.js';
import { StoreInputError } from './store-failure.js';
import type { StoreHealth } from './store-health.js';

/** One message waiting for (or done with) delivery to the central system. */
export interface OutboxMessage {
  /** Drain order, strictly increasing; also the per-lane message sequence number. */
  seq: number;
  /** UUIDv7; the central system de-duplicates by it. */
  messageId: string;
  lane: string;
  /** Relative to bg/v1/{site}/{lane}/, e.g. event/passage. */
  topic: string;
  /** JSON text, sent as is. */
  payload: string;
  passageId: string | null;
  createdAt: number;
  attempts: number;
  lastAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface OutboxStats {
  /** Messages not yet confirmed by PUBACK. */
  backlog: number;
  oldestSeq: number | null;
  oldestCreatedAt: number | null;
  /** now - oldestCreatedAt; 0 with an empty backlog. */
  oldestAgeMs: number;
  /** Confirmed messages still kept (pruned by pruneDelivered). */
  delivered: number;
}

const COLUMNS = `seq, message_id AS messageId, lane, topic, payload, passage_id AS passageId, created_at AS createdAt,
  attempts, last_attempt_at AS lastAttemptAt, delivered_at AS deliveredAt`;

/**
 * Store-and-forward queue to the MQTT link. Rows are written in the same transaction as the
 * journal row they announce, leave the backlog only when the link reports PUBACK, and drain in
 * seq order per lane. Delivered rows are kept for a while for diagnostics and pruned later; the
 * journal is the record, not the outbox.
 *
 * "Delivered" is: seq at or below the lane's delivered watermark (outbox_watermark, advanced by
 * the drain with one single-row UPDATE per batch of PUBACKs: markDeliveredThrough) OR delivered_at
 * set (rows marked one by one: markDelivered). Every query here applies both.
 */
export class Outbox {
  private readonly insertStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement;
  private readonly deliveredStmt: Database.Statement;
  private readonly attemptStmt: Database.Statement;
  private readonly watermarkStmt: Database.Statement;
  private readonly advanceStmt: Database.Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
    readonly lane: string,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO outbox (message_id, lane, topic, payload, passage_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.pendingStmt = db.prepare(
      `SELECT ${COLUMNS} FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT ?`,
    );
    this.deliveredStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE message_id = ? AND seq > ? AND delivered_at IS NULL');
    this.watermarkStmt = db.prepare('SELECT delivered_through FROM outbox_watermark WHERE lane = ?').pluck();
    // Never backwards: a late or repeated call with a lower seq changes nothing.
    this.advanceStmt = db.prepare(
      `INSERT INTO outbox_watermark (lane, delivered_through, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (lane) DO UPDATE SET delivered_through = excluded.delivered_through, updated_at = excluded.updated_at
       WHERE excluded.delivered_through > outbox_watermark.delivered_through`,
    );
    this.attemptStmt = db.prepare('UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE message_id = ?');
  }

  /** Queues a message on its own (alarms, command results, telemetry that must not be lost). */
  enqueue(topic: string, payload: JsonValue): OutboxMessage {
    const text = checkMessage(topic, payload);
    return this.health.write('enqueue outbox message', () => this.db.transaction(() => this.insert(topic, text, null)).immediate());
  }

  /** Inserts inside the caller's transaction (the journal's); payload already JSON text. */
  insert(topic: string, payloadText: string, passageId: string | null): OutboxMessage {
    const createdAt = this.clock.now();
    const messageId = uuidv7(createdAt);
    const info = this.insertStmt.run(messageId, this.lane, topic, payloadText, passageId, createdAt);
    return {
      seq: Number(info.lastInsertRowid),
      messageId,
      lane: this.lane,
      topic,
      payload: payloadText,
      passageId,
      createdAt,
      attempts: 0,
      lastAttemptAt: null,
      deliveredAt: null,
    };
  }

  /** Undelivered messages of this lane in drain order, starting after `afterSeq`. */
  pending(limit = 100, afterSeq = 0): OutboxMessage[] {
    const n = Math.max(1, Math.min(10_000, Math.trunc(limit)));
    return this.health.read('read outbox', () => this.pendingStmt.all(this.lane, Math.max(afterSeq, this.watermark()), n) as OutboxMessage[]);
  }

  /** Every row of this lane with seq <= this is delivered (0: none by watermark). */
  watermark(): number {
    return (this.watermarkStmt.get(this.lane) as number | undefined) ?? 0;
  }

  /**
   * Call only when every row of this lane up to `seq` has been acknowledged by the broker (the
   * drain knows: it sends in seq order and holds back out-of-order acks). Runs in the caller's
   * transaction if there is one. Returns whether the watermark moved.
   */
  markDeliveredThrough(seq: number, at = this.clock.now()): boolean {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new StoreInputError('outbox watermark must be a non-negative integer');
    return this.health.write('mark outbox delivered', () => this.advanceStmt.run(this.lane, seq, at).changes > 0);
  }

  /** Records a publish attempt (for diagnostics: attempts and the last try show a stuck message). */
  markAttempt(messageIds: readonly string[]): void {
    const at = this.clock.now();
    this.health.write('mark outbox attempt', () =>
      this.db.transaction(() => {
        for (const id of messageIds) this.attemptStmt.run(at, id);
      })(),
    );
  }

  /** Call only on PUBACK. Returns how many messages left the backlog (repeats count 0). */
  markDelivered(messageIds: readonly string[]): number {
    const at = this.clock.now();
    return this.health.write('mark outbox delivered', () =>
      this.db.transaction(() => {
        const watermark = this.watermark();
        let n = 0;
        for (const id of messageIds) n += this.deliveredStmt.run(at, id, watermark).changes;
        return n;
      })(),
    );
  }

  stats(): OutboxStats {
    return this.health.read('outbox stats', () => {
      const watermark = this.watermark();
      const oldest = this.db
        .prepare('SELECT seq, created_at AS createdAt FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ? ORDER BY seq LIMIT 1')
        .get(this.lane, watermark) as { seq: number; createdAt: number } | undefined;
      const backlog = Number(
        this.db.prepare('SELECT count(*) FROM outbox WHERE lane = ? AND delivered_at IS NULL AND seq > ?').pluck().get(this.lane, watermark),
      );
      const delivered = Number(
        this.db
          .prepare('SELECT count(*) FROM outbox WHERE lane = ? AND (delivered_at IS NOT NULL OR seq <= ?)')
          .pluck()
          .get(this.lane, watermark),
      );
      return {
        backlog,
        oldestSeq: oldest?.seq ?? null,
        oldestCreatedAt: oldest?.createdAt ?? null,
        oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.clock.now() - oldest.createdAt),
        delivered,
      };
    });
  }

  /**
   * Deletes delivered messages confirmed before `before` (epoch ms). Undelivered rows are never
   * pruned. Rows delivered by the watermark carry no delivery time of their own: they go once they
   * were created before `before` (a row is always delivered after it was created).
   */
  pruneDelivered(before: number): number {
    return this.health.write('prune outbox', () =>
      this.db.transaction(() => {
        const watermark = this.watermark();
        return this.db
          .prepare(
            `DELETE FROM outbox WHERE (delivered_at IS NOT NULL AND delivered_at < ?)
               OR (lane = ? AND seq <= ? AND delivered_at IS NULL AND created_at < ?)`,
          )
          .run(before, this.lane, watermark, before).changes;
      })(),
    );
  }
}

function checkMessage(topic: string, payload: JsonValue): string {
  if (typeof topic !== 'string' || !TOPIC.test(topic)) throw new StoreInputError('outbox topic must be a relative topic like event/alarm');
  try {
    return canonicalJson(payload);
  } catch (err) {
    throw new StoreInputError(`outbox payload: ${err instanceof Error ? err.message : String(err)}`);
  }
}
