import type { Migration } from './migration.js';

/**
 * Bookkeeping for chunked full list snapshots. Chunks are staged in a table per list (created on
 * demand, named stage_<table>) and swapped in atomically when the last one arrives; these rows
 * survive a restart so a half-received snapshot resumes instead of starting over.
 */
export const migration004: Migration = {
  version: 4,
  name: 'list-snapshots',
  up: `
CREATE TABLE list_snapshots (
  list TEXT PRIMARY KEY,
  snapshot_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 0),
  chunks INTEGER NOT NULL CHECK (chunks >= 1),
  started_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE list_snapshot_chunks (
  list TEXT NOT NULL,
  chunk INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  PRIMARY KEY (list, chunk)
) WITHOUT ROWID;
`,
};
