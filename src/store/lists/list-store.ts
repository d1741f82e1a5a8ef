import type Database from 'better-sqlite3';
import type { Clock } from '../../util/clock.js';
import type { SqliteDatabase } from '../database.js';
import type { StoreHealth } from '../store-health.js';
import { LIST_NAMES, type ListName } from './list-codes.js';
import { defaultUpdateSet, type ListContext, type ListDefinition, type SqlValue } from './list-definition.js';
import { LIST_DEFINITIONS } from './list-definitions.js';
import { parseDelta, parseSnapshotChunk, peekDeltaHeader, type ParsedDelta, type ParsedSnapshotChunk } from './list-messages.js';
import { PendingOverlay } from './pending-overlay.js';
import { BatchedInsert } from './batched-insert.js';
import { lastOfEachKey } from './key-order.js';

export type DeltaOutcome =
  | { status: 'applied'; list: ListName; version: number; inserted: number; updated: number; deleted: number }
  /** toVersion is not above the cached version: already applied (a QoS 1 redelivery); nothing done. */
  | { status: 'replay'; list: ListName; version: number }
  /** fromVersion is not the cached version: a delta was missed; ask for a snapshot. Nothing done. */
  | { status: 'gap'; list: ListName; version: number; fromVersion: number }
  | { status: 'invalid'; list: ListName | null; reason: string };

export type SnapshotOutcome =
  | { status: 'stored'; list: ListName; snapshotId: string; received: number; chunks: number }
  | { status: 'swapped'; list: ListName; version: number; rows: number }
  | { status: 'duplicate'; list: ListName; snapshotId: string; chunk: number }
  /** Older than the cached list or than the snapshot already being received; ignored. */
  | { status: 'stale'; list: ListName; version: number; snapshotVersion: number }
  | { status: 'invalid'; list: ListName | null; reason: string };

/** What changed after a commit, for the in-memory indexes (face matrices, plate index). */
export type ListChange =
  | { list: ListName; kind: 'delta'; upserts: readonly SqlValue[][]; deletes: readonly SqlValue[] }
  | { list: ListName; kind: 'snapshot' };

export interface ListVersion {
  list: ListName;
  version: number;
  /** Epoch ms of the last applied delta or snapshot. */
  updatedAt: number;
  rowCount: number;
}

interface Statements {
  insert: Database.Statement;
  update: Database.Statement;
  remove: Database.Statement;
}

/** Main-table keys read into a key filter per background step (~25 ms; 10 M keys in ~500 steps). */
const FILTER_STEP_KEYS = 20_000;

/** mmap window while a list write runs (see bulk()); 0 turns it off. */
const BULK_MMAP_BYTES = 0x7fff0000; // SQLITE_MAX_MMAP_SIZE of the better-sqlite3 build (just under 2 GiB)

/**
 * Applies list deltas and chunked snapshots atomically, with version checks that detect gaps and
 * replays. One transaction per message: a crash leaves either the old list and version or the new.
 */
export class ListStore {
  private readonly statements = new Map<ListName, Statements>();
  /** Lists whose deltas go through a pending table (ListDefinition.overlay). */
  private readonly overlays: PendingOverlay[];
  /** False once a merge found nothing pending; set again by every delta. Saves a query per tick. */
  private mayHavePending = true;
  private readonly listeners: ((change: ListChange) => void)[] = [];
  private readonly versionStmt: Database.Statement;
  private readonly setVersionStmt: Database.Statement;
  /** Versions as last committed; every decision asks for the list ages, so they are kept in memory. */
  private cachedVersions: ListVersion[] | null = null;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly health: StoreHealth,
    private readonly clock: Clock,
    private readonly ctx: ListContext,
  ) {
    this.versionStmt = db.prepare('SELECT version, updated_at AS updatedAt, row_count AS rowCount FROM list_versions WHERE list = ?');
    this.setVersionStmt = db.prepare(
      `INSERT INTO list_versions (list, version, updated_at, row_count) VALUES (?, ?, ?, ?)
       ON CONFLICT (list) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, row_count = excluded.row_count`,
    );
    this.overlays = Object.values(LIST_DEFINITIONS)
      .filter((def) => def.overlay !== undefined)
      .map((def) => new PendingOverlay(db, def));
  }

  /** Called after every committed change (never for a rolled-back one). */
  onChange(listener: (change: ListChange) => void): void {
    this.listeners.push(listener);
  }

  version(list: ListName): ListVersion {
    const row = this.versionStmt.get(list) as { version: number; updatedAt: number; rowCount: number } | undefined;
    return { list, version: row?.version ?? 0, updatedAt: row?.updatedAt ?? 0, rowCount: row?.rowCount ?? 0 };
  }

  /** Every list, including those never received (version 0, updatedAt 0). */
  versions(): ListVersion[] {
    this.cachedVersions ??= this.health.read('list versions', () => LIST_NAMES.map((l) => this.version(l)));
    return this.cachedVersions.map((v) => ({ ...v }));
  }

  applyDelta(message: unknown): DeltaOutcome {
    // Recognise a replay before parsing what may be a large message.
    const header = peekDeltaHeader(message);
    if (header !== null && typeof header.toVersion === 'number') {
      const current = this.health.read('list version', () => this.version(header.list).version);
      if (header.toVersion <= current) return { status: 'replay', list: header.list, version: current };
    }
    const parsed = parseDelta(message, this.ctx);
    if (!parsed.ok) return { status: 'invalid', list: parsed.list, reason: parsed.reason };
    const delta = parsed.value;
    const outcome = this.health.write(`apply delta ${delta.def.list}`, () => this.bulk(() => this.deltaTransaction(delta).immediate()));
    if (outcome.status === 'applied') this.notify({ list: delta.def.list, kind: 'delta', upserts: delta.upserts, deletes: delta.deletes });
    return outcome;
  }

  private deltaTransaction(delta: ParsedDelta): Database.Transaction<() => DeltaOutcome> {
    const { def } = delta;
    return this.db.transaction((): DeltaOutcome => {
      const current = this.version(def.list);
      if (delta.toVersion <= current.version) return { status: 'replay', list: def.list, version: current.version };
      if (delta.fromVersion !== current.version) {
        return { status: 'gap', list: def.list, version: current.version, fromVersion: delta.fromVersion };
      }
      let deleted = 0;
      let inserted = 0;
      // In key order, one row per key: the last sent (key-order.ts). A repeated key counts as an update.
      const overlay = this.overlayOf(def);
      if (overlay !== undefined) {
        ({ inserted, deleted } = overlay.apply(delta.deletes, delta.upserts));
        this.mayHavePending = true;
      } else {
        const st = this.statementsFor(def);
        for (const [key] of lastOfEachKey(delta.deletes.map((k) => [k]))) deleted += st.remove.run(key).changes;
        for (const values of lastOfEachKey(delta.upserts)) {
          if (st.insert.run(values).changes === 1) inserted += 1;
          else st.update.run(values);
        }
      }
      const rowCount = current.rowCount + inserted - deleted;
      this.setVersionStmt.run(def.list, delta.toVersion, this.clock.now(), rowCount);
      return { status: 'applied', list: def.list, version: delta.toVersion, inserted, updated: delta.upserts.length - inserted, deleted };
    });
  }

  applySnapshotChunk(message: unknown): SnapshotOutcome {
    const parsed = parseSnapshotChunk(message, this.ctx);
    if (!parsed.ok) return { status: 'invalid', list: parsed.list, reason: parsed.reason };
    const chunk = parsed.value;
    const outcome = this.health.write(`apply snapshot ${chunk.def.list}`, () =>
      this.bulk(() => this.db.transaction(() => this.snapshotChunk(chunk)).immediate()),
    );
    if (outcome.status === 'swapped') this.notify({ list: chunk.def.list, kind: 'snapshot' });
    return outcome;
  }

  /** Drops every half-received snapshot (after a schema upgrade the staged rows may not fit any more). */
  discardSnapshots(): number {
    return this.health.write('discard snapshots', () =>
      this.db
        .transaction(() => {
          const lists = this.db.prepare('SELECT list FROM list_snapshots').pluck().all() as string[];
          for (const def of Object.values(LIST_DEFINITIONS)) this.db.exec(`DROP TABLE IF EXISTS stage_${def.table}`);
          this.db.exec('DELETE FROM list_snapshot_chunks; DELETE FROM list_snapshots;');
          return lists.length;
        })
        .immediate(),
    );
  }

  private snapshotChunk(c: ParsedSnapshotChunk): SnapshotOutcome {
    const { def } = c;
    const list = def.list;
    const current = this.version(list).version;
    if (c.version < current) return { status: 'stale', list, version: current, snapshotVersion: c.version };
    const progress = this.db.prepare('SELECT snapshot_id AS snapshotId, version, chunks FROM list_snapshots WHERE list = ?').get(list) as
      | { snapshotId: string; version: number; chunks: number }
      | undefined;
    if (progress === undefined || progress.snapshotId !== c.snapshotId) {
      // A newer snapshot replaces one still being received; an older one is ignored.
      if (progress !== undefined && c.version < progress.version) {
        return { status: 'stale', list, version: progress.version, snapshotVersion: c.version };
      }
      this.db.exec(`DROP TABLE IF EXISTS stage_${def.table}`);
      this.db.exec(`CREATE TABLE stage_${def.table} AS SELECT ${def.columns.join(', ')} FROM ${def.table} WHERE 0`);
      this.db.prepare('DELETE FROM list_snapshot_chunks WHERE list = ?').run(list);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO list_snapshots (list, snapshot_id, version, chunks, started_at) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(list, c.snapshotId, c.version, c.chunks, this.clock.now());
    } else if (progress.version !== c.version || progress.chunks !== c.chunks) {
      const reason = `snapshot ${c.snapshotId} changed its version or chunk count mid-way (${progress.version}/${progress.chunks} before)`;
      return { status: 'invalid', list, reason };
    }
    const seen = this.db.prepare('INSERT OR IGNORE INTO list_snapshot_chunks (list, chunk, rows) VALUES (?, ?, ?)').run(list, c.chunk, c.rows.length);
    if (seen.changes === 0) return { status: 'duplicate', list, snapshotId: c.snapshotId, chunk: c.chunk };
    this.stageRows(def, c.rows);
    const received = Number(this.db.prepare('SELECT count(*) FROM list_snapshot_chunks WHERE list = ?').pluck().get(list));
    if (received < c.chunks) return { status: 'stored', list, snapshotId: c.snapshotId, received, chunks: c.chunks };
    return this.swap(def, c.version);
  }

  private stageRows(def: ListDefinition, rows: readonly SqlValue[][]): void {
    const insert = new BatchedInsert(this.db, `INSERT INTO stage_${def.table} (${def.columns.join(', ')})`, def.columns.length);
    insert.run(rows);
  }

  /**
   * Replaces the list with the staged rows in the current transaction. The copy is sorted by key,
   * so the B-tree is built by appending (fast, compact) rather than by random inserts; a key
   * staged twice keeps the row staged last.
   */
  private swap(def: ListDefinition, version: number): SnapshotOutcome {
    const cols = def.columns.join(', ');
    if (def.beforeSwap) this.db.exec(def.beforeSwap);
    this.db.exec(`DELETE FROM ${def.table}`);
    // Staged already in ascending key order (a central system that sends its list in key order,
    // chunks in order): copy in staging order and skip SQLite's sorter, which was the largest
    // cost of a 10 M-row swap. Otherwise sort; either way the B-tree is built by appending.
    const order = this.stagedInKeyOrder(def) ? 'rowid' : `${def.key}, rowid`;
    this.db.exec(`INSERT OR REPLACE INTO ${def.table} (${cols}) SELECT ${cols} FROM stage_${def.table} ORDER BY ${order}`);
    // Pending changes predate the snapshot, which replaces them too.
    if (def.overlay !== undefined) {
      this.db.exec(`DELETE FROM ${def.overlay.table}`);
      this.overlayOf(def)?.resetFilter();
    }
    if (def.afterSwap) this.db.exec(def.afterSwap);
    this.db.exec(`DROP TABLE stage_${def.table}`);
    this.db.prepare('DELETE FROM list_snapshot_chunks WHERE list = ?').run(def.list);
    this.db.prepare('DELETE FROM list_snapshots WHERE list = ?').run(def.list);
    const rows = Number(this.db.prepare(`SELECT count(*) FROM ${def.table}`).pluck().get());
    this.setVersionStmt.run(def.list, version, this.clock.now(), rows);
    return { status: 'swapped', list: def.list, version, rows };
  }

  /**
   * Merges up to `maxRows` pending delta rows of each overlaid list into its main table, one
   * transaction per list. Returns how many rows moved (0: nothing pending, nothing written). The
   * store calls it on a timer between passages; a crash mid-merge rolls back to the pending rows.
   */
  mergePending(maxRows: number): number {
    // The overlays' key filters are built in the same background steps (reads only).
    for (const overlay of this.overlays) {
      if (!overlay.filterReady) this.health.read(`build key filter ${overlay.list}`, () => this.bulk(() => overlay.buildFilterStep(FILTER_STEP_KEYS)));
    }
    if (!this.mayHavePending) return 0;
    let moved = 0;
    for (const overlay of this.overlays) {
      moved += this.health.write(`merge pending ${overlay.list}`, () => this.bulk(() => this.db.transaction(() => overlay.merge(maxRows)).immediate()));
    }
    if (moved === 0) this.mayHavePending = false;
    return moved;
  }

  /**
   * Completes the overlays' key filters now instead of in the background (bench, tests). Returns
   * the memory they hold.
   */
  buildKeyFilters(): { bytes: number } {
    for (const overlay of this.overlays) {
      this.health.read(`build key filter ${overlay.list}`, () => this.bulk(() => {
        while (!overlay.buildFilterStep(FILTER_STEP_KEYS));
      }));
    }
    return { bytes: this.overlays.reduce((sum, o) => sum + o.filterBytes, 0) };
  }

  /** Delta rows not yet merged, per overlaid list (deletions included). */
  pendingRows(): Partial<Record<ListName, number>> {
    return this.health.read('count pending', () => Object.fromEntries(this.overlays.map((o) => [o.list, o.count()])));
  }

  private overlayOf(def: ListDefinition): PendingOverlay | undefined {
    return this.overlays.find((o) => o.list === def.list);
  }

  /**
   * Runs a list write with memory-mapped reads. A delta into a 10 M-row table reads one random
   * leaf page per row; through mmap that is a memory access instead of a read() into SQLite's
   * page cache. Only for the duration of the write: with mmap an I/O error on a read becomes a
   * SIGBUS instead of SQLITE_IOERR, so the passage path keeps ordinary reads.
   */
  private bulk<T>(fn: () => T): T {
    if (BULK_MMAP_BYTES <= 0) return fn();
    this.db.pragma(`mmap_size = ${BULK_MMAP_BYTES}`);
    try {
      return fn();
    } finally {
      this.db.pragma('mmap_size = 0');
    }
  }

  /**
   * True when every staged row's key is strictly greater than the one staged before it (so also
   * no key twice). Rowids of the stage table are contiguous (it is only ever appended to); the
   * count check makes sure no pair was skipped. Compared by SQLite, so with its own collation.
   */
  private stagedInKeyOrder(def: ListDefinition): boolean {
    const stage = `stage_${def.table}`;
    const row = this.db
      .prepare(
        `SELECT (SELECT count(*) FROM ${stage} a JOIN ${stage} b ON b.rowid = a.rowid + 1 WHERE NOT (b.${def.key} > a.${def.key})) AS unordered,
                (SELECT coalesce(max(rowid) - min(rowid) + 1, 0) - count(*) FROM ${stage}) AS holes`,
      )
      .get() as { unordered: number; holes: number };
    return row.unordered === 0 && row.holes === 0;
  }

  private statementsFor(def: ListDefinition): Statements {
    let st = this.statements.get(def.list);
    if (st === undefined) {
      const insert = `INSERT INTO ${def.table} (${def.columns.join(', ')}) VALUES (${def.columns.map(() => '?').join(', ')})`;
      st = {
        insert: this.db.prepare(`${insert} ON CONFLICT (${def.key}) DO NOTHING`),
        // The same values again, as an upsert that is known to hit the existing row.
        update: this.db.prepare(`${insert} ON CONFLICT (${def.key}) DO UPDATE SET ${def.updateSet ?? defaultUpdateSet(def)}`),
        remove: this.db.prepare(`DELETE FROM ${def.table} WHERE ${def.key} = ?`),
      };
      this.statements.set(def.list, st);
    }
    return st;
  }

  private notify(change: ListChange): void {
    this.cachedVersions = null;
    for (const listener of this.listeners) listener(change);
  }
}
