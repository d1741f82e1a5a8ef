import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastOfEachKey } from '../../../src/store/lists/key-order.js';

/** Reference: apply rows one by one into a map, then list by key in memcmp order. */
function reference(rows: [Buffer | string, number][]): [Buffer | string, number][] {
  const last = new Map<string, [Buffer | string, number]>();
  for (const row of rows) last.set(typeof row[0] === 'string' ? `s${row[0]}` : `b${row[0].toString('hex')}`, row);
  return [...last.values()].sort((a, b) =>
    typeof a[0] === 'string' ? (a[0] < (b[0] as string) ? -1 : a[0] > (b[0] as string) ? 1 : 0) : Buffer.compare(a[0], b[0] as Buffer),
  );
}

describe('lastOfEachKey', () => {
  // Keys from a tiny alphabet share long prefixes and repeat, which is where the fast path could go wrong.
  const blobKey = fc.uint8Array({ minLength: 5, maxLength: 12 }).map((a) => Buffer.from(a.map((b) => b % 3)));

  it('orders BLOB keys like memcmp and keeps the last row of a repeated key', () => {
    fc.assert(
      fc.property(fc.array(blobKey, { maxLength: 300 }), (keys) => {
        const rows = keys.map((k, i): [Buffer, number] => [k, i]);
        expect(lastOfEachKey(rows)).toEqual(reference(rows));
      }),
      { numRuns: 300 },
    );
  });

  it('orders string keys and short BLOBs the same way', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 200 }), (keys) => {
        const rows = keys.map((k, i): [string, number] => [k, i]);
        expect(lastOfEachKey(rows)).toEqual(reference(rows));
      }),
      { numRuns: 200 },
    );
    const short = [Buffer.from([2]), Buffer.from([1, 9]), Buffer.from([2])].map((k, i): [Buffer, number] => [k, i]);
    expect(lastOfEachKey(short)).toEqual(reference(short));
  });
});
