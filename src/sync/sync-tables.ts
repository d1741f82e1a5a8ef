import type { SqliteDatabase } from '../store/database.js';

/**
 * Integer counters of the MQTT link that must survive restarts (table sync_state, created by store
 * migration 005 together with the link's other tables: sync_command_log, outbox_watermark).
 */
export class SyncStateTable {
  private readonly getStmt;
  private readonly setStmt;

  constructor(private readonly db: SqliteDatabase) {
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
