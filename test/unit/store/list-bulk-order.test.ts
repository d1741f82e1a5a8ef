import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../../../src/store/keyed-hash.js';
import { openTestStore, SITE_KEY } from './store-fixtures.js';

/**
 * The bulk paths take shortcuts when rows arrive in key order (snapshot swap without SQLite's
 * sorter, deltas applied in key order); whatever the order, the resulting list must be the same.
 */
const hash = (i: number): string => keyedHash(SITE_KEY, 'document-number', `D${i}`).toString('hex');
const cred = (i: number, subjectId = `S${i}`) => ({ kind: 'travel-document', hash: hash(i), subjectId });
const byHash = (a: { hash: string }, b: { hash: string }): number => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);

describe('list bulk paths: key order is an optimisation, never a change of result', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.close());

  // Deltas wait in credentials_pending until the background merge: merge them all, then read the table.
  const table = (): { hash: string; subject: string }[] => {
    t.store.lists.mergePending(Number.MAX_SAFE_INTEGER);
    return t.store.database.prepare('SELECT lower(hex(hash)) AS hash, subject_id AS subject FROM credentials ORDER BY hash').all() as {
      hash: string;
      subject: string;
    }[];
  };
  const snapshot = (snapshotId: string, version: number, chunks: unknown[][], order: number[] = chunks.map((_, i) => i)) => {
    let last: unknown = null;
    for (const c of order) last = t.store.lists.applySnapshotChunk({ list: 'credentials', snapshotId, version, chunk: c, chunks: chunks.length, rows: chunks[c] });
    return last;
  };

  it('a key-ordered snapshot, a shuffled one and chunks out of order give the same table', () => {
    const rows = Array.from({ length: 300 }, (_, i) => cred(i)).sort(byHash);
    const chunks = [rows.slice(0, 100), rows.slice(100, 200), rows.slice(200)];
    expect(snapshot('ordered', 1, chunks)).toMatchObject({ status: 'swapped', rows: 300 });
    const ordered = table();
    expect(ordered.map((r) => r.hash)).toEqual(rows.map((r) => r.hash));

    const shuffled = [...rows].reverse();
    expect(snapshot('shuffled', 2, [shuffled.slice(0, 150), shuffled.slice(150)])).toMatchObject({ status: 'swapped', rows: 300 });
    expect(table()).toEqual(ordered);

    expect(snapshot('out-of-order', 3, chunks, [2, 0, 1])).toMatchObject({ status: 'swapped', rows: 300 });
    expect(table()).toEqual(ordered);
  });

  it('a key staged twice in otherwise ascending order still keeps the row staged last', () => {
    const rows = Array.from({ length: 10 }, (_, i) => cred(i)).sort(byHash);
    const withRepeat = [...rows.slice(0, 5), { ...rows[4]!, subjectId: 'S-later' }, ...rows.slice(5)];
    expect(snapshot('repeat', 1, [withRepeat])).toMatchObject({ status: 'swapped', rows: 10 });
    expect(table().find((r) => r.hash === rows[4]!.hash)?.subject).toBe('S-later');
  });

  it('a delta in any order gives the same table, and a key sent twice in one delta keeps the later row', () => {
    const base = Array.from({ length: 50 }, (_, i) => cred(i));
    t.store.lists.applyDelta({ list: 'credentials', fromVersion: 0, toVersion: 1, upserts: base });
    const upserts = [cred(70, 'S-first'), ...Array.from({ length: 40 }, (_, i) => cred(100 + i)), cred(7, 'S-updated'), cred(70, 'S-second')];
    const outcome = t.store.lists.applyDelta({
      list: 'credentials',
      fromVersion: 1,
      toVersion: 2,
      upserts,
      deletes: [{ kind: 'travel-document', hash: hash(3) }, { kind: 'travel-document', hash: hash(1) }],
    });
    expect(outcome).toMatchObject({ status: 'applied', inserted: 41, updated: 2, deleted: 2 });
    const rows = new Map(table().map((r) => [r.hash, r.subject]));
    expect(rows.size).toBe(50 - 2 + 41);
    expect(rows.get(hash(70))).toBe('S-second');
    expect(rows.get(hash(7))).toBe('S-updated');
    expect(rows.has(hash(3)) || rows.has(hash(1))).toBe(false);
    expect(t.store.lists.version('credentials')).toMatchObject({ version: 2, rowCount: 89 });
  });
});
