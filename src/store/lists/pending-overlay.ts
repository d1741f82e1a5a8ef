import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database.js';
import { BatchedInsert } from './batched-insert.js';
import { KeyFilter } from './key-filter.js';
import { keyString, lastOfEachKey } from './key-order.js';
import type { ListDefinition, OverlayDefinition, SqlValue } from './list-definition.js';

/**
 * SELECT of the row visible for the key bound as `@key` (better-sqlite3 binds a named parameter used
 * several times; `?1` it does not) through a pending overlay: the pending row when there is
 * one (none if it is a tombstone), else the main row. `columns` is the select list (aliases allowed).
 * Two primary-key probes and one existence probe; every reader of an overlaid table uses this.
 */
export function overlayLookupSql(main: string, pending: string, key: string, columns: string): string {
  return `SELECT ${columns} FROM ${pending} WHERE ${key} = @key AND removed = 0
          UNION ALL
          SELECT ${columns} FROM ${main} WHERE ${key} = @key AND NOT EXISTS (SELECT 1 FROM ${pending} WHERE ${key} = @key)`;
}

/** Statements on the temp staging tables, prepared once the tables exist. */
interface StageStatements {
  clearRows: Database.Statement;
  clearKeys: Database.Statement;
  stageRows: BatchedInsert;
  stageKeys: BatchedInsert;
  visibleOfRows: Database.Statement;
  visibleOfKeys: Database.Statement;
  putRow: Database.Statement;
  putRows: Database.Statement;
  putTombstones: Database.Statement;
}

/**
 * Writes a list's deltas into its pending table and merges them into the main table later
 * (docs/decisions/0007-credential-delta-overlay.md). Callers run it inside their own transaction.
 *
 * Why: the main table of a 10 M-row list is far larger than SQLite's page cache; a random key
 * dirties a leaf page of its own, so an in-place delta writes a whole page per row. The pending
 * table is small and its pages are rewritten together; the merge later does the page-per-row work
 * in short batches between passages, off the path that makes a delta visible.
 *
 * A delta is applied set-wise: its rows are staged in a temp table (multi-row INSERTs, the last
 * of a repeated key kept), the rows visible now under those keys are read with two index joins
 * (for the counts and the list's `resolve` rule), and one INSERT ... SELECT writes the pending
 * rows in key order. Per-row statement calls cost more than the SQLite work they did.
 */
export class PendingOverlay {
  private readonly nthKey: Database.Statement;
  private readonly lastKey: Database.Statement;
  private readonly mergeUpserts: Database.Statement;
  private readonly mergeDeletes: Database.Statement;
  private readonly dropMerged: Database.Statement;
  private readonly countRows: Database.Statement;
  private readonly overlay: OverlayDefinition;
  private readonly stageRowsTable: string;
  private readonly stageKeysTable: string;
  private stage: StageStatements | null = null;
  /** Every key with a main or pending row is in it (plus deleted ones); null until built. */
  private filter: KeyFilter | null = null;
  /** A filter being built from the tables, `after` the last main-table key read so far. */
  private building: { filter: KeyFilter; after: SqlValue | null } | null = null;
  private readonly firstKeys: Database.Statement;
  private readonly nextKeys: Database.Statement;
  private readonly pendingKeys: Database.Statement;
  private readonly pendingUpTo: Database.Statement;
  private readonly visibleRows: Database.Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly def: ListDefinition,
  ) {
    if (def.overlay === undefined) throw new Error(`list ${def.list} has no pending overlay`);
    this.overlay = def.overlay;
    const { table: main, key } = def;
    const pending = this.overlay.table;
    const cols = def.columns.join(', ');
    this.stageRowsTable = `temp.stage_rows_${pending}`;
    this.stageKeysTable = `temp.stage_keys_${pending}`;
    this.nthKey = db.prepare(`SELECT ${key} FROM ${pending} ORDER BY ${key} LIMIT 1 OFFSET ?`).pluck();
    this.lastKey = db.prepare(`SELECT max(${key}) FROM ${pending}`).pluck();
    // Key order: consecutive rows land on the same or the next leaf of the main B-tree.
    this.mergeUpserts = db.prepare(
      `INSERT OR REPLACE INTO ${main} (${cols}) SELECT ${cols} FROM ${pending} WHERE ${key} <= ? AND removed = 0 ORDER BY ${key}`,
    );
    this.mergeDeletes = db.prepare(`DELETE FROM ${main} WHERE ${key} IN (SELECT ${key} FROM ${pending} WHERE ${key} <= ? AND removed = 1)`);
    this.dropMerged = db.prepare(`DELETE FROM ${pending} WHERE ${key} <= ?`);
    this.countRows = db.prepare(`SELECT count(*) FROM ${pending}`).pluck();
    this.firstKeys = db.prepare(`SELECT ${key} FROM ${main} ORDER BY ${key} LIMIT ?`).pluck();
    this.nextKeys = db.prepare(`SELECT ${key} FROM ${main} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`).pluck();
    this.pendingKeys = db.prepare(`SELECT ${key} FROM ${pending}`).pluck();
    this.pendingUpTo = db.prepare(`SELECT ${key} FROM ${pending} WHERE ${key} <= ?`).pluck();
    this.visibleRows = db.prepare('SELECT row_count FROM list_versions WHERE list = ?').pluck();
    this.resetFilter();
    try {
      this.stage = this.prepareStage();
    } catch {
      // A connection that refuses even temp tables (query_only): retried by the first delta, which fails the same way.
    }
  }

  /**
   * Applies a delta's deletions, then its upserts (a key in both ends up upserted). Returns how
   * many upserts added a key not visible before and how many deletions removed a visible row.
   */
  apply(deletes: readonly SqlValue[], upserts: readonly SqlValue[][]): { inserted: number; deleted: number } {
    const st = (this.stage ??= this.prepareStage());
    let deleted = 0;
    let inserted = 0;
    if (deletes.length > 0) {
      st.clearKeys.run();
      const keys = lastOfEachKey(deletes.map((key) => [key]));
      st.stageKeys.run(keys);
      deleted = st.visibleOfKeys.all().length;
      st.putTombstones.run();
    }
    if (upserts.length > 0) {
      st.clearRows.run();
      const rows = lastOfEachKey(upserts);
      // A key the filter has never seen has no pending or main row: no probe for it.
      const filter = this.filter;
      const maybe = new Uint8Array(rows.length).fill(1);
      if (filter !== null) {
        for (let i = 0; i < rows.length; i++) {
          const key = rows[i]![0];
          if (key instanceof Uint8Array && !filter.mightContain(key)) maybe[i] = 0;
        }
      }
      st.stageRows.run(rows, maybe);
      const visible = st.visibleOfRows.all() as SqlValue[][];
      inserted = rows.length - visible.length;
      st.putRows.run();
      for (const row of rows) this.remember(row[0]!);
      // The list's rule for a row that already exists (e.g. a consumed token stays consumed):
      // rewrite the few pending rows it changes.
      const resolve = this.overlay.resolve;
      if (resolve !== undefined && visible.length > 0) {
        const incomingByKey = new Map(rows.map((row) => [keyString(row[0]!), row]));
        for (const current of visible) {
          const incoming = incomingByKey.get(keyString(current[0]!))!;
          const row = resolve(incoming, current);
          if (row !== incoming) st.putRow.run(row);
        }
      }
    }
    return { inserted, deleted };
  }

  /**
   * Moves up to `maxRows` pending rows (lowest keys first) into the main table and drops them
   * from the pending table. Returns how many were moved; 0 when nothing is pending.
   */
  merge(maxRows: number): number {
    const limit = Math.max(1, Math.floor(maxRows));
    const upTo = (this.nthKey.get(limit - 1) ?? this.lastKey.get()) as SqlValue | undefined;
    if (upTo === null || upTo === undefined) return 0;
    // A filter being built may have read past these keys in the main table already.
    if (this.building !== null) for (const k of this.pendingUpTo.all(upTo) as SqlValue[]) this.remember(k);
    this.mergeUpserts.run(upTo);
    this.mergeDeletes.run(upTo);
    return this.dropMerged.run(upTo).changes;
  }

  /** The key filter is complete: new keys skip the database probe. */
  get filterReady(): boolean {
    return this.filter !== null;
  }

  /** Memory held by the key filter(s), ready or being built. */
  get filterBytes(): number {
    return (this.filter?.bytes ?? 0) + (this.building?.filter.bytes ?? 0);
  }

  /** Drops the filter and starts building a new one (at start, after a snapshot swap, when overfull). */
  resetFilter(): void {
    const rows = Number(this.visibleRows.get(this.def.list) ?? 0);
    this.filter = null;
    // Room for a quarter more keys than the list holds now, at least a million.
    this.building = { filter: new KeyFilter(Math.max(1_000_000, Math.ceil(rows * 1.25))), after: null };
  }

  /**
   * Reads up to `maxKeys` more main-table keys into the filter being built; when the table is
   * exhausted, adds the pending keys and makes the filter current. True once a filter is ready.
   * Reads only; keys written meanwhile are added by apply() to the filter being built too.
   */
  buildFilterStep(maxKeys: number): boolean {
    const b = this.building;
    if (b === null) return true;
    const keys = (b.after === null ? this.firstKeys.all(maxKeys) : this.nextKeys.all(b.after, maxKeys)) as Uint8Array[];
    for (const k of keys) b.filter.add(k);
    if (keys.length === maxKeys) {
      b.after = keys[keys.length - 1] as SqlValue;
      return false;
    }
    for (const k of this.pendingKeys.all() as Uint8Array[]) b.filter.add(k);
    if (b.filter.overfull) {
      // The list outgrew the size guessed from list_versions (a bigger snapshot): build again, bigger.
      this.building = { filter: new KeyFilter(Math.ceil(b.filter.capacity * 2)), after: null };
      return false;
    }
    this.filter = b.filter;
    this.building = null;
    return true;
  }

  /** Adds a key just written to the filters; an overfull filter is rebuilt bigger. */
  private remember(key: SqlValue): void {
    if (!(key instanceof Uint8Array)) return;
    this.filter?.add(key);
    this.building?.filter.add(key);
    if (this.filter?.overfull) this.resetFilter();
  }

  /** Rows waiting to be merged (deletions included). */
  count(): number {
    return Number(this.countRows.get());
  }

  get list(): ListDefinition['list'] {
    return this.def.list;
  }

  private prepareStage(): StageStatements {
    const { db, def } = this;
    const { table: main, key, columns } = def;
    const pending = this.overlay.table;
    const cols = columns.join(', ');
    const rows = this.stageRowsTable;
    const keys = this.stageKeysTable;
    // Plain rowid tables, filled in key order with one row per key (lastOfEachKey): appending is
    // several times cheaper than inserting random keys into a keyed table, and reading them back
    // by rowid is reading in key order.
    db.exec(`CREATE TABLE IF NOT EXISTS ${rows} (${cols}, maybe)`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${keys} (${key})`);
    // The row visible under each staged key: its pending row unless a tombstone, else its main row
    // (two primary-key probes per staged key; only keys with a visible row are returned).
    // Staged rows flagged maybe = 0 are known new (KeyFilter) and skip the probes.
    const visibleOf = (stage: string, select: readonly string[], onlyMaybe: boolean): string =>
      `SELECT ${select.map((c) => `iif(p.${key} IS NULL, m.${c}, p.${c})`).join(', ')}
         FROM ${stage} s
         LEFT JOIN ${pending} p ON p.${key} = s.${key}
         LEFT JOIN ${main} m ON p.${key} IS NULL AND m.${key} = s.${key}
        WHERE ${onlyMaybe ? 's.maybe = 1 AND ' : ''}iif(p.${key} IS NULL, m.${key} IS NOT NULL, p.removed = 0)
        ORDER BY s.rowid`;
    return {
      clearRows: db.prepare(`DELETE FROM ${rows}`),
      clearKeys: db.prepare(`DELETE FROM ${keys}`),
      stageRows: new BatchedInsert(db, `INSERT INTO ${rows} (${cols}, maybe)`, columns.length + 1),
      stageKeys: new BatchedInsert(db, `INSERT INTO ${keys} (${key})`, 1),
      visibleOfRows: db.prepare(visibleOf(rows, columns, true)).raw(),
      visibleOfKeys: db.prepare(visibleOf(keys, [key], false)).raw(),
      putRow: db.prepare(`INSERT OR REPLACE INTO ${pending} (${cols}, removed) VALUES (${columns.map(() => '?').join(', ')}, 0)`),
      putRows: db.prepare(`INSERT OR REPLACE INTO ${pending} (${cols}, removed) SELECT ${cols}, 0 FROM ${rows} ORDER BY rowid`),
      putTombstones: db.prepare(`INSERT OR REPLACE INTO ${pending} (${key}, removed) SELECT ${key}, 1 FROM ${keys} ORDER BY rowid`),
    };
  }
}

