import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../../util/clock.js';
import { uuidv7 } from '../../util/ids.js';
import { canonicalJson } from '../canonical-json.js';
import type { SqliteDatabase } from '../database.js';
import type { Outbox, OutboxMessage } from '../outbox.js';
import { classifyStorageError, StoreInputError, StoreUnavailableError } from '../store-failure.js';
import type { StoreHealth } from '../store-health.js';
import { GroupCommit, type BatchOutcome, type GroupCommitOptions } from './group-commit.js';
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
 * strictly +1. Every append commits the row, its event/passage outbox message and the recorded
 * chain head in one transaction; once it has returned (or its promise resolved), the passage is
 * on disk (synchronous=FULL) and the lane may command the actuator. When it throws (rejects),
 * that passage was not written and the barrier stays shut.
 *
 * Two ways in, same rows and chain:
 * - appendGrouped(input): Promise — what the lane runner should use. Passages that become ready
 *   in the same turn of the event loop share one transaction and one fsync (group commit), in
 *   call order; a lone passage costs what append() costs plus one event-loop turn.
 * - append(input) / appendMany(inputs): synchronous, one transaction per call, all or none; for
 *   code that cannot await (tests, tools, replays).
 */
export class Journal {
  private readonly headStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;
  private readonly setHeadStmt: Database.Statement;
  /** Built once: better-sqlite3 transaction wrappers are not free to create per passage. */
  private readonly appendTx: Database.Transaction<(prepared: readonly PreparedPassage[]) => AppendResult[]>;
  /** The group-commit transaction, and the savepoint each passage gets inside it. */
  private readonly groupTx: Database.Transaction<(prepared: readonly PreparedPassage[]) => BatchOutcome<AppendResult>[]>;
  private readonly savepoint: Database.Transaction<(p: PreparedPassage, seq: number, prev: Buffer) => AppendResult>;
  private readonly group: GroupCommit<PreparedPassage, AppendResult>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
    private readonly outbox: Outbox,
    readonly lane: string,
    groupOptions: GroupCommitOptions = {},
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
    this.groupTx = db.transaction((prepared: readonly PreparedPassage[]) => this.insertIsolated(prepared));
    this.savepoint = db.transaction((p: PreparedPassage, seq: number, prev: Buffer) => this.insertOne(p, seq, prev));
    this.group = new GroupCommit(
      (prepared) => this.health.write('append passage', () => this.groupTx.immediate(prepared)),
      groupOptions,
    );
  }

  append(input: PassageInput): AppendResult {
    return this.appendMany([input])[0]!;
  }

  /**
   * Durable append with group commit (see the class comment). Resolves after the transaction
   * holding this passage committed with its fsync. Rejects with StoreInputError for a malformed
   * input (before anything is queued), with StoreUnavailableError when the store is failed or the
   * batch's commit failed (then no passage of that batch was written), or with the SQLite error
   * that refused only this passage (e.g. a duplicate caller-supplied id; the others commit).
   */
  appendGrouped(input: PassageInput): Promise<AppendResult> {
    let prepared: PreparedPassage;
    try {
      prepared = this.prepare(input);
    } catch (err) {
      return Promise.reject(err);
    }
    const failure = this.health.failure;
    if (failure !== null) return Promise.reject(new StoreUnavailableError({ ...failure, operation: 'append passage' }));
    return this.group.submit(prepared);
  }

  /** Commits passages queued by appendGrouped now (called by the store before it closes). */
  flushGrouped(): void {
    this.group.flushAll();
  }

  /** Group-commit counters: transactions and passages committed through appendGrouped. */
  groupStats(): { batches: number; passages: number; queued: number } {
    const s = this.group.stats;
    return { batches: s.batches, passages: s.items, queued: this.group.pending };
  }

  /**
   * Group commit: several passages in one transaction and one fsync, all or none. For a lane that
   * has more than one passage ready at once (a replay, several doors); a single passage uses append().
   */
  appendMany(inputs: readonly PassageInput[]): AppendResult[] {
    const prepared = inputs.map((input) => this.prepare(input));
    return this.health.write('append passage', () => this.appendTx.immediate(prepared));
  }

  /** Validates an input and fixes its id; throws StoreInputError with the field and the rule. */
  private prepare(input: PassageInput): PreparedPassage {
    return {
      checked: checkPassageInput(input),
      id: input.id ?? uuidv7(this.clock.now()),
      extra: (input.extraMessages ?? []).map((m) => ({ topic: m.topic, text: payloadText(m.payload) })),
    };
  }

  private readHead(): { seq: number; prev: Buffer } {
    const head = this.headStmt.get(this.lane) as { seq: number; hash: Buffer } | undefined;
    return { seq: head?.seq ?? 0, prev: head?.hash ?? GENESIS_HASH };
  }

  /** Runs inside the append transaction: chain each passage to the one before, all or none. */
  private insertAll(prepared: readonly PreparedPassage[]): AppendResult[] {
    let { seq, prev } = this.readHead();
    const results: AppendResult[] = [];
    for (const p of prepared) {
      seq += 1;
      const r = this.insertOne(p, seq, prev);
      results.push(r);
      prev = Buffer.from(r.hash, 'hex');
    }
    if (results.length > 0) this.setHeadStmt.run(headKey(this.lane), `${seq}:${prev.toString('hex')}`);
    return results;
  }

  /**
   * The group-commit body: each passage in its own savepoint, so one refused by SQLite (a
   * duplicate id) is left out without a hole in the chain or the sequence, and the others still
   * commit. A storage error (full disk, I/O) is rethrown: the whole batch rolls back.
   */
  private insertIsolated(prepared: readonly PreparedPassage[]): BatchOutcome<AppendResult>[] {
    let { seq, prev } = this.readHead();
    const before = seq;
    const outcomes = prepared.map((p): BatchOutcome<AppendResult> => {
      try {
        const r = this.savepoint(p, seq + 1, prev);
        seq += 1;
        prev = Buffer.from(r.hash, 'hex');
        return { ok: true, value: r };
      } catch (err) {
        if (classifyStorageError(err) !== null || !this.db.inTransaction) throw err;
        return { ok: false, error: err };
      }
    });
    if (seq > before) this.setHeadStmt.run(headKey(this.lane), `${seq}:${prev.toString('hex')}`);
    return outcomes;
  }

  /** One passage row and its outbox messages, chained to `prev`. */
  private insertOne({ checked, id, extra }: PreparedPassage, seq: number, prev: Buffer): AppendResult {
    const record: PassageRecord = { id, lane: this.lane, seq, ...checked, recordedAt: this.clock.now() };
    const content = canonicalJson(record);
    const hash = chainHash(prev, content);
    this.insertStmt.run(id, this.lane, seq, record.recordedAt, record.outcome, record.officerId, content, prev, hash);
    const journaled = { record, hash: hash.toString('hex'), prevHash: prev.toString('hex') };
    const messages = [this.outbox.insert(PASSAGE_TOPIC, passagePayload(journaled), id)];
    for (const m of extra) messages.push(this.outbox.insert(m.topic, m.text, id));
    return { ...journaled, messages };
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
