import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../../util/clock.js';
import { uuidv7 } from '../../util/ids.js';
import { canonicalJson } from '../canonical-json.js';
import type { SqliteDatabase } from '../database.js';
import type { Outbox, OutboxMessage } from '../outbox.js';
import { StoreInputError } from '../store-failure.js';
import type { StoreHealth } from '../store-health.js';
import { checkPassageInput, type PassageInput, type PassageRecord } from './passage-input.js';

export const GENESIS_HASH = Buffer.alloc(32);
export const PASSAGE_TOPIC = 'event/passage';

/** A journaled passage with its place in the chain. */
export interface JournaledPassage {
  record: PassageRecord;
  /** sha256(prevHash || canonical JSON of record), hex. */
  hash: string;
  prevHash: string;
}

export interface AppendResult extends JournaledPassage {
  /** The event/passage outbox message committed with it (and any extra messages). */
  messages: OutboxMessage[];
}

export function chainHash(prevHash: Buffer, content: string): Buffer {
  return createHash('sha256').update(prevHash).update(content, 'utf8').digest();
}

export function headKey(lane: string): string {
  return `journal-head:${lane}`;
}

interface PreparedPassage {
  checked: ReturnType<typeof checkPassageInput>;
  id: string;
  extra: { topic: string; text: string }[];
}

interface PassageRow {
  content: string;
  hash: Buffer;
  prevHash: Buffer;
}

/**
 * The passage journal: append-only, one row per passage, hash-chained per lane, sequence numbers
 * strictly +1. append() commits the row, its event/passage outbox message and the recorded chain
 * head in one transaction; when it returns, the passage is on disk (synchronous=FULL) and the lane
 * may command the actuator. When it throws, nothing was written and the barrier stays shut.
 */
export class Journal {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly setHeadStmt: Database.Statement;
  /** Built once: better-sqlite3 transaction wrappers are not free to create per passage. */
  private readonly appendTx: Database.Transaction<(prepared: readonly PreparedPassage[]) => AppendResult[]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    readonly lane: string,
  ) {
    this.headStmt = db.prepare('SELECT seq, hash FROM passages WHERE lane = ? ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      `INSERT INTO passages (id, lane, seq, recorded_at, outcome, officer_id, content, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.setHeadStmt = db.prepare(
      'INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.appendTx = db.transaction((prepared: readonly PreparedPassage[]) => this.insertAll(prepared));
  }

  append(input: PassageInput): AppendResult {
    return this.appendMany([input])[0]!;
  }

  /**
   * Group commit: several passages in one transaction and one fsync, all or none. For a lane that
   * has more than one passage ready at once (a replay, several doors); a single passage uses append().
   */
  appendMany(inputs: readonly PassageInput[]): AppendResult[] {
    const prepared: PreparedPassage[] = inputs.map((input) => ({
      checked: checkPassageInput(input),
      id: input.id ?? uuidv7(this.clock.now()),
      extra: (input.extraMessages ?? []).map((m) => ({ topic: m.topic, text: payloadText(m.payload) })),
    }));
    return this.health.write('append passage', () => this.appendTx.immediate(prepared));
  }

  /** Runs inside the append transaction: chain each passage to the one before, queue its messages. */
  private insertAll(prepared: readonly PreparedPassage[]): AppendResult[] {
    const head = this.headStmt.get(this.lane) as { seq: number; hash: Buffer } | undefined;
    let prev = head?.hash ?? GENESIS_HASH;
    let seq = head?.seq ?? 0;
    const results: AppendResult[] = [];
    for (const { checked, id, extra } of prepared) {
      seq += 1;
      const record: PassageRecord = { id, lane: this.lane, seq, ...checked, recordedAt: this.clock.now() };
      const content = canonicalJson(record);
      const hash = chainHash(prev, content);
      this.insertStmt.run(id, this.lane, seq, record.recordedAt, record.outcome, record.officerId, content, prev, hash);
      const journaled = { record, hash: hash.toString('hex'), prevHash: prev.toString('hex') };
      const messages = [this.outbox.insert(PASSAGE_TOPIC, passagePayload(journaled), id)];
      for (const m of extra) messages.push(this.outbox.insert(m.topic, m.text, id));
      results.push({ ...journaled, messages });
      prev = hash;
    }
    if (results.length > 0) this.setHeadStmt.run(headKey(this.lane), `${seq}:${prev.toString('hex')}`);
    return results;
  }

  /** The newest `n` passages of this lane, newest first. */
  last(n: number): JournaledPassage[] {
    const limit = Math.max(1, Math.min(1000, Math.trunc(n)));
    return this.health.read('read journal', () =>
      (
        this.db
          .prepare('SELECT content, hash, prev_hash AS prevHash FROM passages WHERE lane = ? ORDER BY seq DESC LIMIT ?')
          .all(this.lane, limit) as PassageRow[]
      ).map(toJournaled),
    );
  }

  get(id: string): JournaledPassage | null {
    return this.health.read('read journal', () => {
      const row = this.db.prepare('SELECT content, hash, prev_hash AS prevHash FROM passages WHERE id = ?').get(id) as
        | PassageRow
        | undefined;
      return row === undefined ? null : toJournaled(row);
    });
  }

  /** Number of passages and the newest sequence number of this lane. */
  head(): { count: number; seq: number } {
    return this.health.read('read journal', () => {
      const head = this.headStmt.get(this.lane) as { seq: number } | undefined;
      const count = Number(this.db.prepare('SELECT count(*) FROM passages WHERE lane = ?').pluck().get(this.lane));
      return { count, seq: head?.seq ?? 0 };
    });
  }
}

function toJournaled(row: PassageRow): JournaledPassage {
  return { record: JSON.parse(row.content) as PassageRecord, hash: row.hash.toString('hex'), prevHash: row.prevHash.toString('hex') };
}

/** The event/passage payload: the record plus its chain links, so the central system can verify too. */
function passagePayload(p: JournaledPassage): string {
  return canonicalJson({ ...p.record, hash: p.hash, prevHash: p.prevHash });
}

function payloadText(payload: unknown): string {
  try {
    return canonicalJson(payload);
  } catch (err) {
    throw new StoreInputError(`passage extra message payload: ${err instanceof Error ? err.message : String(err)}`);
  }
}
