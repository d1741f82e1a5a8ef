import type { Migration } from './migration.js';

/**
 * Index of the evidence folder (face crops, plate crops, frames of denied or alarmed passages):
 * sizes for the quota, sent_at so the oldest *sent* files go first, and a tombstone (deleted_at,
 * delete_reason) so `lanectl passage ID` can say why a file referenced by the journal is gone.
 * Journal rows are never touched by retention.
 */
export const migration003: Migration = {
  version: 3,
  name: 'evidence-files',
  up: `
CREATE TABLE evidence_files (
  ref TEXT PRIMARY KEY,
  passage_id TEXT,
  kind TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  deleted_at INTEGER,
  delete_reason TEXT CHECK (delete_reason IS NULL OR delete_reason IN ('retention', 'quota', 'missing'))
);
CREATE INDEX evidence_live_by_age ON evidence_files (created_at) WHERE deleted_at IS NULL;
CREATE INDEX evidence_by_passage ON evidence_files (passage_id) WHERE passage_id IS NOT NULL;
`,
};
