import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../src/store/database.js';
import { migrate, MigrationError, schemaVersion } from '../../../src/store/migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../../src/store/migrations/index.js';
import { tempDir, type TempDir } from './store-fixtures.js';

const NOW = Date.UTC(2026, 0, 1);
const HASH = Buffer.alloc(32, 7);

/** Rows a database could hold at each version, written with that version's schema. */
const SEEDS: Record<number, (db: SqliteDatabase) => void> = {
  1: (db) => {
    db.prepare("INSERT INTO subjects (subject_id, category, nationality) VALUES ('S1', 'border-resident', 'VNM')").run();
    db.prepare("INSERT INTO credentials (hash, kind, subject_id) VALUES (?, 3, 'S1')").run(HASH);
    db.prepare("INSERT INTO list_versions (list, version, updated_at, row_count) VALUES ('credentials', 9, ?, 1)").run(NOW);
    db.prepare(
      "INSERT INTO vehicles (vehicle_id, plate, plate_country, vehicle_class) VALUES ('V1', '29A12345', 'VN', 'truck')",
    ).run();
  },
  2: (db) => {
    db.prepare(
      `INSERT INTO passages (id, lane, seq, recorded_at, outcome, content, prev_hash, hash)
       VALUES ('0190a3f0-0000-7000-8000-000000000001', 'lane-1', 1, ?, 'grant', '{}', ?, ?)`,
    ).run(NOW, Buffer.alloc(32), HASH);
    db.prepare(
      `INSERT INTO outbox (message_id, lane, topic, payload, passage_id, created_at)
       VALUES ('m1', 'lane-1', 'event/passage', '{}', '0190a3f0-0000-7000-8000-000000000001', ?)`,
    ).run(NOW);
  },
  3: (db) => {
    db.prepare("INSERT INTO evidence_files (ref, kind, bytes, created_at) VALUES ('2026/01/01/x.face-crop.jpg', 'face-crop', 10, ?)").run(NOW);
  },
};

function schemaOf(db: SqliteDatabase): { type: string; name: string; sql: string | null }[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
}

describe('migrations', () => {
  let dir: TempDir;
  const open: SqliteDatabase[] = [];
  const db = (name: string): SqliteDatabase => {
    const d = openDatabase({ path: join(dir.path, name) });
    open.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of open.splice(0)) d.close();
    dir?.cleanup();
  });

  it('are numbered 1..N without gaps, with distinct names', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(new Set(MIGRATIONS.map((m) => m.name)).size).toBe(MIGRATIONS.length);
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('upgrade a database created at every earlier version to the same schema as a fresh one, keeping its rows', () => {
    dir = tempDir();
    const fresh = db('fresh.db');
    expect(migrate(fresh, { now: NOW })).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => m.version) });
    const expected = schemaOf(fresh);

    for (let start = 0; start < LATEST_SCHEMA_VERSION; start++) {
      const old = db(`from-${start}.db`);
      migrate(old, { now: NOW, target: start });
      expect(schemaVersion(old)).toBe(start);
      for (let v = 1; v <= start; v++) SEEDS[v]?.(old);

      const report = migrate(old, { now: NOW + 1 });
      expect(report.from).toBe(start);
      expect(report.applied).toEqual(MIGRATIONS.slice(start).map((m) => m.version));
      expect(schemaOf(old)).toEqual(expected);
      if (start >= 1) {
        expect(old.prepare('SELECT category FROM subjects WHERE subject_id = ?').pluck().get('S1')).toBe('border-resident');
        expect(old.prepare('SELECT count(*) FROM credentials').pluck().get()).toBe(1);
      }
      if (start >= 2) expect(old.prepare('SELECT count(*) FROM outbox WHERE delivered_at IS NULL').pluck().get()).toBe(1);
      if (start >= 3) expect(old.prepare('SELECT bytes FROM evidence_files').pluck().get()).toBe(10);
      // Rows seeded at the old version work with the new tables (FK from outbox to passages included).
      expect(old.pragma('foreign_key_check')).toEqual([]);
      expect(migrate(old, { now: NOW + 2 }).applied).toEqual([]);
    }
  });

  it('refuse to run an older build against a newer database', () => {
    dir = tempDir();
    const d = db('newer.db');
    const future: Migration = { version: MIGRATIONS.length + 1, name: 'from-the-future', up: 'CREATE TABLE later (x)' };
    migrate(d, { now: NOW, migrations: [...MIGRATIONS, future] });
    expect(() => migrate(d, { now: NOW })).toThrow(/knows only \d+: an older build must not run/);
  });

  it('refuse a database whose recorded migration names differ from this build', () => {
    dir = tempDir();
    const d = db('renamed.db');
    migrate(d, { now: NOW });
    d.prepare("UPDATE schema_migrations SET name = 'something-else' WHERE version = 2").run();
    expect(() => schemaVersion(d)).toThrow(/version 2 is "something-else" in the database but "passage-journal"/);
  });

  it('leave the database at the last completed version when one fails, and resume after the fix', () => {
    dir = tempDir();
    const d = db('broken.db');
    const broken: Migration = { version: 2, name: 'broken', up: 'CREATE TABLE ok_part (x); CREATE TABLE subjects (x);' };
    expect(() => migrate(d, { now: NOW, migrations: [MIGRATIONS[0]!, broken] })).toThrow(MigrationError);
    expect(schemaVersion(d, [MIGRATIONS[0]!, broken])).toBe(1);
    // The failed migration's first statement was rolled back with it.
    expect(d.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok_part'").pluck().get()).toBe(0);
    expect(migrate(d, { now: NOW }).applied).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
  });

  it('reject a bad target version with a clear reason', () => {
    dir = tempDir();
    expect(() => migrate(db('t.db'), { now: NOW, target: 99 })).toThrow(/target version 99 is outside 0\.\./);
  });
});
