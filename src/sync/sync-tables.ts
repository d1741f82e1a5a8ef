import type { SqliteDatabase } from '../store/database.js';

/**
 * Tables the MQTT link keeps in the lane database. They are created here (IF NOT EXISTS) rather
 * than by a store migration because the store's migration list belongs to the store; the SQL is
 * written so that moving it into a migration later changes nothing for existing databases.
 *
 * - sync_command_log: every command id seen, until its expiry plus a margin, with its result, so a
 *   replayed command is never executed twice (across restarts too) and its first result can be
 *   repeated. A row is written (and committed, synchronous=FULL) BEFORE the command runs: after a
 *   crash mid-command the id is still known and the command is not run again.
 * - sync_state: small counters, e.g. the availability birth number.
 */
export const SYNC_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS sync_command_log (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  forget_after INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('executing', 'accepted', 'rejected')),
  reason TEXT,
  outcome TEXT,
  finished_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sync_command_log_forget ON sync_command_log (forget_after);
CREATE TABLE IF NOT EXISTS sync_state (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

export function ensureSyncTables(db: SqliteDatabase): void {
  db.exec(SYNC_TABLES_SQL);
}

/** Integer counters that must survive restarts. */
export class SyncStateTable {
  private readonly getStmt;
  private readonly setStmt;

  constructor(private readonly db: SqliteDatabase) {
    ensureSyncTables(db);
    this.getStmt = db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck();
    this.setStmt = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  get(key: string): number | null {
    const v = this.getStmt.get(key) as number | undefined;
    return v ?? null;
  }

  /** Increments and returns the counter (1 the first time), committed before it returns. */
  increment(key: string): number {
    return this.db.transaction(() => {
      const next = (this.get(key) ?? 0) + 1;
      this.setStmt.run(key, next);
      return next;
    }).immediate();
  }
}
