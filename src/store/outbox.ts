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
 * journal row they announce, leave the backlog only when the link reports PUBACK
 * (markDelivered), and drain in seq order per lane. Delivered rows are kept for a while for
 * diagnostics and pruned later; the journal is the record, not the outbox.
 */
export class Outbox {
  private readonly insertStmt: Database.Statement;
  private readonly pendingStmt: Database.Statement;
  private readonly deliveredStmt: Database.Statement;
  private readonly attemptStmt: Database.Statement;

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
    this.deliveredStmt = db.prepare('UPDATE outbox SET delivered_at = ? WHERE message_id = ? AND delivered_at IS NULL');
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
    return this.health.read('read outbox', () => this.pendingStmt.all(this.lane, afterSeq, n) as OutboxMessage[]);
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
        let n = 0;
        for (const id of messageIds) n += this.deliveredStmt.run(at, id).changes;
        return n;
      })(),
    );
  }

  stats(): OutboxStats {
    return this.health.read('outbox stats', () => {
      const oldest = this.db
        .prepare('SELECT seq, created_at AS createdAt FROM outbox WHERE lane = ? AND delivered_at IS NULL ORDER BY seq LIMIT 1')
        .get(this.lane) as { seq: number; createdAt: number } | undefined;
      const backlog = Number(
        this.db.prepare('SELECT count(*) FROM outbox WHERE lane = ? AND delivered_at IS NULL').pluck().get(this.lane),
      );
      const delivered = Number(
        this.db.prepare('SELECT count(*) FROM outbox WHERE lane = ? AND delivered_at IS NOT NULL').pluck().get(this.lane),
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

  /** Deletes delivered messages confirmed before `before` (epoch ms). Undelivered rows are never pruned. */
  pruneDelivered(before: number): number {
    return this.health.write('prune outbox', () =>
      this.db.prepare('DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?').run(before).changes,
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
