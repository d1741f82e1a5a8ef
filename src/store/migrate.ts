import type { SqliteDatabase } from './database.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationReport {
  /** Schema version before and after. */
  from: number;
  to: number;
  /** Versions applied by this call. */
  applied: number[];
}

interface AppliedRow {
  version: number;
  name: string;
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration list broken: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
}

function hasTable(db: SqliteDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The versions recorded in the database, checked against the known list. */
export function schemaVersion(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number {
  if (!hasTable(db, 'schema_migrations')) return 0;
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as AppliedRow[];
  rows.forEach((row, i) => {
    if (row.version !== i + 1) {
      throw new MigrationError(`schema_migrations has a gap: version ${row.version} recorded where ${i + 1} was expected`);
    }
    const known = migrations[i];
    if (known === undefined) {
      throw new MigrationError(
        `database schema is at version ${rows.length} but this build knows only ${migrations.length}: ` +
          'an older build must not run against a newer database (migrations are forward-only)',
      );
    }
    if (known.name !== row.name) {
      throw new MigrationError(`schema version ${row.version} is "${row.name}" in the database but "${known.name}" in this build`);
    }
  });
  return rows.length;
}

/**
 * Brings the database to `target` (default: the latest), one transaction per migration, so a
 * crash mid-way leaves the database at the last completed version and the next start resumes.
 */
export function migrate(
  db: SqliteDatabase,
  opts: { now: number; target?: number; migrations?: readonly Migration[] },
): MigrationReport {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkList(migrations);
  const target = opts.target ?? migrations.length;
  if (!Number.isInteger(target) || target < 0 || target > migrations.length) {
    throw new MigrationError(`target version ${target} is outside 0..${migrations.length}`);
  }
  const from = schemaVersion(db, migrations);
  if (from > target) throw new MigrationError(`database is at version ${from}, above the target ${target}; migrations are forward-only`);
  const applied: number[] = [];
  if (from === target) return { from, to: from, applied };
  if (!hasTable(db, 'schema_migrations')) {
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of migrations.slice(from, target)) {
    const run = db.transaction(() => {
      db.exec(m.up);
      record.run(m.version, m.name, opts.now);
    });
    try {
      run.immediate();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Keep the SQLite code so a read-only or full disk is classified as such by the caller.
      const code = (err as { code?: unknown }).code;
      throw Object.assign(new MigrationError(`migration ${m.version} (${m.name}) failed: ${message}`), { cause: err, code });
    }
    applied.push(m.version);
  }
  return { from, to: target, applied };
}
