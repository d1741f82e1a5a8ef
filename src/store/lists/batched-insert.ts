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

  /**
   * Inserts `rows` (each at least `width` values, in column order). With `lastColumn`, a row gives
   * `width - 1` values and the last column is `lastColumn[row]` (a per-row flag without copying rows).
   */
  run(rows: readonly (readonly SqlValue[])[], lastColumn?: ArrayLike<SqlValue>): void {
    const { width, params } = this;
    const fromRow = lastColumn === undefined ? width : width - 1;
    const count = rows.length;
    let i = 0;
    for (; i + BATCH_ROWS <= count; i += BATCH_ROWS) {
      let p = 0;
      for (let r = i; r < i + BATCH_ROWS; r++) {
        const row = rows[r]!;
        for (let c = 0; c < fromRow; c++) params[p++] = row[c]!;
        if (lastColumn !== undefined) params[p++] = lastColumn[r]!;
      }
      this.many.run(params);
    }
    for (; i < count; i++) {
      const values = rows[i]!.slice(0, fromRow);
      if (lastColumn !== undefined) values.push(lastColumn[i]!);
      this.one.run(values);
    }
  }
}
