import { migration001 } from './001-cache-tables.js';
import { migration002 } from './002-passage-journal.js';
import { migration003 } from './003-evidence-files.js';
import { migration004 } from './004-list-snapshots.js';
import { migration005 } from './005-sync-tables.js';
import { migration006 } from './006-credential-overlay.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration in order. Append only. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
