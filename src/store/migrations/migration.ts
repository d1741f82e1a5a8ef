/**
 * A forward-only schema migration. Once released, a migration's text never changes: databases in
 * the field were built from it. Fix mistakes with a new migration.
 */
export interface Migration {
  /** 1, 2, 3 ... without gaps. */
  version: number;
  /** Short kebab-case name, also stored in schema_migrations to catch mismatched builds. */
  name: string;
  /** SQL run in one transaction together with the schema_migrations row. */
  up: string;
}
