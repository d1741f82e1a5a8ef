import type { Migration } from './migration.js';

/**
 * A pending-changes table in front of `credentials` (docs/decisions/0007-credential-delta-overlay.md).
 *
 * At 10 million credentials every delta row keyed by a random hash lands on its own leaf page of
 * the main B-tree: applying it in place wrote ~7 kB per row (48,000 rows/s on this disk). A delta
 * now goes into `credentials_pending`, a small table whose pages stay in the cache, and becomes
 * visible to lookups at once; the store merges it into `credentials` in the background in small
 * key-ordered batches (src/store/lists/pending-overlay.ts).
 *
 * A pending row wins over the main row with the same hash. `removed = 1` is a deletion not yet
 * merged (a tombstone: the other columns are NULL). Readers use the overlay query in
 * src/store/lists/pending-overlay.ts (cache lookups, token redemption, snapshot swap).
 */
export const migration006: Migration = {
  version: 6,
  name: 'credential-overlay',
  up: `
CREATE TABLE credentials_pending (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  kind INTEGER CHECK (kind BETWEEN 1 AND 4),
  subject_id TEXT,
  valid_from INTEGER,
  valid_until INTEGER,
  status INTEGER CHECK (status BETWEEN 0 AND 2),
  single_use INTEGER CHECK (single_use IN (0, 1)),
  removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
  CHECK (removed = 1 OR (kind IS NOT NULL AND subject_id IS NOT NULL AND status IS NOT NULL AND single_use IS NOT NULL))
) WITHOUT ROWID;
`,
};
