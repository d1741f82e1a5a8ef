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
  /**
   * Deltas go to a pending table first and are merged into `table` in the background (lists too
   * large for in-place random writes: credentials). Every reader of `table` must then read through
   * the overlay (pending-overlay.ts overlayLookupSql).
   */
  overlay?: OverlayDefinition;
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

export interface OverlayDefinition {
  /** The pending table: `columns` (nullable for tombstones) plus `removed`, keyed like the main table. */
  table: string;
  /**
   * The row to store for an upsert, given the row visible now under its key (null if none), in
   * `columns` order. What an UPSERT's `updateSet` does for lists without an overlay.
   */
  resolve?(incoming: SqlValue[], current: readonly SqlValue[] | null): SqlValue[];
}
