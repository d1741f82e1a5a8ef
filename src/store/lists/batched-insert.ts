import type Database from 'better-sqlite3';
import type { SqliteDatabase } from '../database.js';
import type { SqlValue } from './list-definition.js';

/** Rows per multi-row INSERT: one call into SQLite for this many rows instead of one each. */
const BATCH_ROWS = 64;

/**
 * Inserts rows with multi-row INSERT statements (`${head} VALUES (...), (...), ...`), e.g.
 * `INSERT INTO stage_credentials (hash, kind)`. Per-call overhead dominates a one-row INSERT of a
 * small row; batching makes staging a list message several times cheaper. Rows go in order, so
 * `INSERT OR REPLACE` heads keep the last of a repeated key.
 */
export class BatchedInsert {
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;
  private readonly params: SqlValue[];

  constructor(
    db: SqliteDatabase,
    head: string,
    private readonly width: number,
  ) {
    const tuple = `(${new Array(width).fill('?').join(', ')})`;
    this.many = db.prepare(`${head} VALUES ${new Array(BATCH_ROWS).fill(tuple).join(', ')}`);
    this.one = db.prepare(`${head} VALUES ${tuple}`);
    this.params = new Array<SqlValue>(BATCH_ROWS * width);
  }

  /** Inserts `rows` (each at least `width` values, in column order). */
  run(rows: readonly (readonly SqlValue[])[]): void {
    const { width, params } = this;
    const count = rows.length;
    let i = 0;
    for (; i + BATCH_ROWS <= count; i += BATCH_ROWS) {
      let p = 0;
      for (let r = i; r < i + BATCH_ROWS; r++) {
        const row = rows[r]!;
        for (let c = 0; c < width; c++) params[p++] = row[c]!;
      }
      this.many.run(params);
    }
    for (; i < count; i++) this.one.run(rows[i]!.slice(0, width));
  }
}
