import type { BoundKeyedHash } from '../keyed-hash.js';
import type { Issues } from './row-fields.js';
import type { ListName } from './list-codes.js';

export type SqlValue = string | number | bigint | Buffer | null;

export interface ListContext {
  hash: BoundKeyedHash;
}

/**
 * How one list maps onto its cache table. Parsers turn a wire row (JSON from the central system)
 * into column values in `columns` order, reporting problems into `issues` instead of throwing:
 * a delta with one bad row is refused as a whole, with the row's path in the reason.
 */
export interface ListDefinition {
  list: ListName;
  table: string;
  /** Primary-key column; columns[0]. */
  key: string;
  columns: readonly string[];
  parseUpsert(value: unknown, path: string, issues: Issues, ctx: ListContext): SqlValue[];
  parseDelete(value: unknown, path: string, issues: Issues, ctx: ListContext): SqlValue;
  /**
   * SET clause applied when the row already exists, as in an UPSERT: `excluded.col` is the new
   * value, `table.col` the stored one. Default: every non-key column = excluded.column.
   */
  updateSet?: string;
  /** Statements run inside the snapshot swap, before the old rows go and after the new ones are in. */
  beforeSwap?: string;
  afterSwap?: string;
}

export function defaultUpdateSet(def: ListDefinition): string {
  return def.columns
    .slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
}
