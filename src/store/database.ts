import Database from 'better-sqlite3';

/**
 * Opens the lane database with the settings every part of the store relies on. The reasons are
 * in docs/decisions/0004-sqlite-durability.md; in short:
 *
 * - WAL: readers (lanectl, the MQTT drain) never block the journal writer, and a commit is one
 *   sequential append to the -wal file.
 * - synchronous=FULL: with WAL, NORMAL skips the fsync at commit, so a power cut can lose the
 *   last transactions after the lane already opened the barrier. FULL makes "commit returned"
 *   mean "on the disk". Measured cost in bench/decision.ts.
 * - busy_timeout: lanectl offline tools may hold a read lock for a moment; wait, do not fail.
 * - foreign_keys: the outbox and the journal reference each other.
 * - max_page_count: optional cap on the database size so the journal keeps room on a disk shared
 *   with evidence files; hitting it is SQLITE_FULL, handled like a full disk.
 */
export type SynchronousMode = 'FULL' | 'NORMAL' | 'EXTRA';

export interface OpenDatabaseOptions {
  path: string;
  /** Open without write access (diagnostics, tests of the read-only failure path). */
  readonly?: boolean;
  synchronous?: SynchronousMode;
  /** Cap on the database file size; SQLite answers SQLITE_FULL when a write would exceed it. */
  maxDbBytes?: number;
  /** Page cache in KiB (cache_size is negative KiB in SQLite). */
  cacheKiB?: number;
  busyTimeoutMs?: number;
}

export type SqliteDatabase = Database.Database;

export const DEFAULT_CACHE_KIB = 64 * 1024;
export const WAL_AUTOCHECKPOINT_PAGES = 8192;

export function openDatabase(opts: OpenDatabaseOptions): SqliteDatabase {
  const db = new Database(opts.path, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5_000))}`);
    if (!opts.readonly) {
      // A read-only connection cannot change the journal mode; a database created by the store
      // is already in WAL mode (the mode is persistent in the file).
      db.pragma('journal_mode = WAL');
      // Keep the -wal file from staying huge after a big list snapshot.
      db.pragma('journal_size_limit = 67108864');
      // Checkpoints run from the store's timer between passages (Store.checkpoint); this higher
      // automatic threshold is only the safety net, so a passage append rarely pays for one.
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    }
    db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Temp tables hold one list message being applied (pending-overlay.ts) and the snapshot swap's
    // consumed tokens: bounded by a message, and a temp file would only add writes.
    db.pragma('temp_store = MEMORY');
    db.pragma(`cache_size = -${Math.max(1024, Math.trunc(opts.cacheKiB ?? DEFAULT_CACHE_KIB))}`);
    if (opts.maxDbBytes !== undefined) applyMaxDbBytes(db, opts.maxDbBytes);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Sets max_page_count from a byte budget (never below the pages already in use). */
export function applyMaxDbBytes(db: SqliteDatabase, maxDbBytes: number): number {
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const pages = Math.max(1, Math.floor(maxDbBytes / pageSize));
  return Number(db.pragma(`max_page_count = ${pages}`, { simple: true }));
}

/** Size of the main database file from SQLite's own page count (the -wal file comes on top). */
export function databaseBytes(db: SqliteDatabase): number {
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const pages = Number(db.pragma('page_count', { simple: true }));
  return pageSize * pages;
}
