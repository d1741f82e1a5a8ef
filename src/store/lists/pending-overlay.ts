import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database.js';
import { BatchedInsert } from './batched-insert.js';
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
      st.stageRows.run(rows);
      const visible = st.visibleOfRows.all() as SqlValue[][];
      inserted = rows.length - visible.length;
      st.putRows.run();
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
    this.mergeUpserts.run(upTo);
    this.mergeDeletes.run(upTo);
    return this.dropMerged.run(upTo).changes;
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
    db.exec(`CREATE TABLE IF NOT EXISTS ${rows} (${cols})`);
    db.exec(`CREATE TABLE IF NOT EXISTS ${keys} (${key})`);
    // The row visible under each staged key: its pending row unless a tombstone, else its main row
    // (two primary-key probes per staged key; only keys with a visible row are returned).
    const visibleOf = (stage: string, select: readonly string[]): string =>
      `SELECT ${select.map((c) => `iif(p.${key} IS NULL, m.${c}, p.${c})`).join(', ')}
         FROM ${stage} s
         LEFT JOIN ${pending} p ON p.${key} = s.${key}
         LEFT JOIN ${main} m ON p.${key} IS NULL AND m.${key} = s.${key}
        WHERE iif(p.${key} IS NULL, m.${key} IS NOT NULL, p.removed = 0)
        ORDER BY s.rowid`;
    return {
      clearRows: db.prepare(`DELETE FROM ${rows}`),
      clearKeys: db.prepare(`DELETE FROM ${keys}`),
      stageRows: new BatchedInsert(db, `INSERT INTO ${rows} (${cols})`, columns.length),
      stageKeys: new BatchedInsert(db, `INSERT INTO ${keys} (${key})`, 1),
      visibleOfRows: db.prepare(visibleOf(rows, columns)).raw(),
      visibleOfKeys: db.prepare(visibleOf(keys, [key])).raw(),
      putRow: db.prepare(`INSERT OR REPLACE INTO ${pending} (${cols}, removed) VALUES (${columns.map(() => '?').join(', ')}, 0)`),
      putRows: db.prepare(`INSERT OR REPLACE INTO ${pending} (${cols}, removed) SELECT ${cols}, 0 FROM ${rows} ORDER BY rowid`),
      putTombstones: db.prepare(`INSERT OR REPLACE INTO ${pending} (${key}, removed) SELECT ${key}, 1 FROM ${keys} ORDER BY rowid`),
    };
  }
}

