import type { Migration } from './migration.js';

/**
 * Tables of the MQTT link (src/sync), moved here from the link's own CREATE TABLE IF NOT EXISTS
 * (src/sync/sync-tables.ts). The IF NOT EXISTS stays: databases that ran an earlier build already
 * have the first two tables, with exactly these columns, and keep them and their rows.
 *
 * - sync_command_log: every command id seen, until its expiry plus a margin, with its result, so a
 *   replayed command is never executed twice (across restarts too). Written and committed BEFORE
 *   the command runs.
 * - sync_state: small counters that survive restarts (the availability birth number).
 * - outbox_watermark: per lane, the highest outbox seq at or below which every row is delivered
 *   (acknowledged by the broker). The drain advances it with one single-row UPDATE per batch of
 *   acknowledgements instead of marking each row: a row is delivered when its seq is at or below
 *   the watermark OR its delivered_at is set (rows marked one by one, Outbox.markDelivered).
 */
export const migration005: Migration = {
  version: 5,
  name: 'sync-tables',
  up: `
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
CREATE TABLE outbox_watermark (
  lane TEXT PRIMARY KEY,
  delivered_through INTEGER NOT NULL CHECK (delivered_through >= 0),
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
`,
};
