import type { Migration } from './migration.js';

/**
 * The offline cache the lane decides from. Row layout matters at 10 million credentials (every
 * byte per row is 10 MB), hence integer codes for kind/status and WITHOUT ROWID tables keyed by
 * the lookup key. Codes are mirrored in src/store/lists/list-codes.ts.
 *
 * No foreign keys between cache tables: lists arrive independently (credentials may come before
 * their subjects), and a credential without a subject simply yields "subject not found", which
 * the decision engine treats as a refusal.
 */
export const migration001: Migration = {
  version: 1,
  name: 'cache-tables',
  up: `
CREATE TABLE store_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE list_versions (
  list TEXT PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 0),
  updated_at INTEGER NOT NULL,
  row_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- allowed_directions: bit 1 = entry, bit 2 = exit.
CREATE TABLE subjects (
  subject_id TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  nationality TEXT,
  valid_from INTEGER,
  valid_until INTEGER,
  allowed_directions INTEGER NOT NULL DEFAULT 3 CHECK (allowed_directions BETWEEN 0 AND 3)
) WITHOUT ROWID;

-- hash: HMAC-SHA256(siteKey, kind ':' value), never the value.
-- kind: 1 qr-token, 2 signed-qr, 3 travel-document, 4 border-pass.
-- status: 0 active, 1 revoked, 2 used (a consumed single-use token).
CREATE TABLE credentials (
  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
  kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),
  subject_id TEXT NOT NULL,
  valid_from INTEGER,
  valid_until INTEGER,
  status INTEGER NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 2),
  single_use INTEGER NOT NULL DEFAULT 0 CHECK (single_use IN (0, 1))
) WITHOUT ROWID;

-- vector: little-endian Float32, L2-normalised at insert. Templates of different models are
-- never compared, so model_id travels with every vector.
CREATE TABLE face_templates (
  template_id TEXT PRIMARY KEY,
  subject_id TEXT NOT NULL,
  model_id TEXT NOT NULL,
  dims INTEGER NOT NULL CHECK (dims BETWEEN 1 AND 4096),
  quality REAL NOT NULL CHECK (quality BETWEEN 0 AND 1),
  vector BLOB NOT NULL CHECK (length(vector) = 4 * dims),
  enrolled_at INTEGER
);
CREATE INDEX face_templates_by_subject ON face_templates (subject_id, model_id);

-- Plates are not secret (they are printed on the vehicle) and fuzzy OCR matching needs the
-- text, so they are kept as compact canonical text; EPC/TID as upper-case hex.
CREATE TABLE vehicles (
  vehicle_id TEXT PRIMARY KEY,
  plate TEXT NOT NULL,
  plate_country TEXT NOT NULL,
  epc TEXT,
  tid TEXT,
  vehicle_class TEXT NOT NULL,
  owner_subject_id TEXT,
  company_id TEXT,
  valid_from INTEGER,
  valid_until INTEGER,
  allowed_directions INTEGER NOT NULL DEFAULT 3 CHECK (allowed_directions BETWEEN 0 AND 3)
);
CREATE INDEX vehicles_by_plate ON vehicles (plate, plate_country);
CREATE INDEX vehicles_by_epc ON vehicles (epc) WHERE epc IS NOT NULL;
CREATE INDEX vehicles_by_tid ON vehicles (tid) WHERE tid IS NOT NULL;

-- Customs single-window pre-clearance of the consignment a vehicle carries.
CREATE TABLE cargo_clearances (
  declaration_id TEXT PRIMARY KEY,
  vehicle_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('cleared', 'hold', 'inspection')),
  cargo_class TEXT NOT NULL,
  lab_test_required INTEGER NOT NULL CHECK (lab_test_required IN (0, 1)),
  lab_test_status TEXT CHECK (lab_test_status IS NULL OR lab_test_status IN ('passed', 'failed', 'pending')),
  valid_from INTEGER,
  valid_until INTEGER
);
CREATE INDEX cargo_by_vehicle ON cargo_clearances (vehicle_id);

-- document/token entries are keyed hashes (same hash as the credential), plate/epc/person/vehicle
-- entries are text keys, face entries carry a template.
CREATE TABLE watchlist_entries (
  entry_id TEXT PRIMARY KEY,
  list_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('document', 'token', 'plate', 'epc', 'face', 'person', 'vehicle')),
  key_hash BLOB CHECK (key_hash IS NULL OR length(key_hash) = 32),
  key_text TEXT,
  model_id TEXT,
  dims INTEGER,
  vector BLOB,
  action TEXT NOT NULL CHECK (action IN ('deny', 'alert', 'refer')),
  valid_from INTEGER,
  valid_until INTEGER,
  CHECK ((kind IN ('document', 'token')) = (key_hash IS NOT NULL)),
  CHECK ((kind IN ('plate', 'epc', 'person', 'vehicle')) = (key_text IS NOT NULL)),
  CHECK ((kind = 'face') = (vector IS NOT NULL AND model_id IS NOT NULL AND length(vector) = 4 * dims))
);
CREATE INDEX watchlist_by_hash ON watchlist_entries (key_hash) WHERE key_hash IS NOT NULL;
CREATE INDEX watchlist_by_text ON watchlist_entries (kind, key_text) WHERE key_text IS NOT NULL;
`,
};
