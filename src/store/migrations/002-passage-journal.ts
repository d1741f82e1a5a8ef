import type { Migration } from './migration.js';

/**
 * The passage journal and the outbox that announces it. Both are written in one transaction, so
 * a passage is either journaled and queued for the central system, or neither.
 *
 * content is the canonical JSON that hash covers: hash = sha256(prev_hash || content). The other
 * columns are copies for queries; `journal verify` checks they agree with content. The triggers
 * make the journal append-only for every caller that goes through SQLite (an attacker with the
 * file can drop them, which is what the hash chain is for).
 */
export const migration002: Migration = {
  version: 2,
  name: 'passage-journal',
  up: `
CREATE TABLE passages (
  id TEXT PRIMARY KEY,
  lane TEXT NOT NULL,
  seq INTEGER NOT NULL CHECK (seq >= 1),
  recorded_at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  officer_id TEXT,
  content TEXT NOT NULL,
  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  UNIQUE (lane, seq)
);
CREATE TRIGGER passages_append_only_update BEFORE UPDATE ON passages
BEGIN SELECT RAISE(ABORT, 'passages are append-only'); END;
CREATE TRIGGER passages_append_only_delete BEFORE DELETE ON passages
BEGIN SELECT RAISE(ABORT, 'passages are append-only'); END;

-- seq orders the drain; message_id (UUIDv7) lets the central system de-duplicate.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  lane TEXT NOT NULL,
  topic TEXT NOT NULL,
  payload TEXT NOT NULL,
  passage_id TEXT REFERENCES passages (id),
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_attempt_at INTEGER,
  delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox (lane, seq) WHERE delivered_at IS NULL;
`,
};
