import type { SqlValue } from './list-definition.js';

/**
 * Key order for applying list messages. In key order, consecutive rows land on the same or the
 * next B-tree leaf: at 10 M rows that turns random page reads into a forward sweep.
 */

/** Sort key of a list key: latin1 string of a Buffer (string order = memcmp order, as SQLite compares BLOBs). */
export function keyString(key: SqlValue): string {
  if (Buffer.isBuffer(key)) return key.toString('latin1');
  return typeof key === 'string' ? key : String(key);
}

/**
 * The rows in ascending key order (column 0), one per key: the last one sent, as applying them
 * one by one would leave it. Comparing latin1 strings is several times faster than Buffer.compare
 * in a sort callback (250 ms for 50,000 32-byte keys with Buffer.compare).
 */
export function lastOfEachKey(rows: readonly SqlValue[][]): SqlValue[][] {
  const keyed = rows.map((row, index) => ({ key: keyString(row[0]!), index, row }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.index - b.index));
  const out: SqlValue[][] = [];
  for (let i = 0; i < keyed.length; i++) if (i + 1 === keyed.length || keyed[i + 1]!.key !== keyed[i]!.key) out.push(keyed[i]!.row);
  return out;
}
