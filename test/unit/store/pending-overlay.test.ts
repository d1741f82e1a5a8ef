import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyedHash } from '../../../src/store/keyed-hash.js';
import { KeyFilter } from '../../../src/store/lists/key-filter.js';
import { PendingOverlay } from '../../../src/store/lists/pending-overlay.js';
import { credentialsList } from '../../../src/store/lists/people-lists.js';
import { openTestStore, SITE_KEY } from './store-fixtures.js';

/**
 * Credential deltas go to credentials_pending and are merged into credentials in the background
 * (migration 006, docs/decisions/0007-credential-delta-overlay.md). What a lookup sees must never
 * depend on whether a row is merged yet.
 */
const hashOf = (i: number): Buffer => keyedHash(SITE_KEY, 'document-number', `P${i}`);
const cred = (i: number, subjectId: string, extra: Record<string, unknown> = {}) => ({
  kind: 'travel-document',
  hash: hashOf(i).toString('hex'),
  subjectId,
  ...extra,
});
const del = (i: number) => ({ kind: 'travel-document', hash: hashOf(i).toString('hex') });

describe('credential delta overlay', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.close());

  const count = (table: string): number => Number(t.store.database.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  const delta = (from: number, upserts: unknown[], deletes: unknown[] = []) =>
    t.store.lists.applyDelta({ list: 'credentials', fromVersion: from, toVersion: from + 1, upserts, deletes });

  it('makes a delta visible at once, before the merge, and the merge moves it into the main table', () => {
    expect(delta(0, [cred(1, 'S1'), cred(2, 'S2')])).toMatchObject({ status: 'applied', inserted: 2 });
    expect(count('credentials')).toBe(0);
    expect(t.store.lists.pendingRows()).toEqual({ credentials: 2 });
    expect(t.store.lookups.credential(hashOf(1))).toMatchObject({ subjectId: 'S1', status: 'active' });

    expect(t.store.lists.mergePending(1)).toBe(1); // one row per batch asked: one row moved
    expect(count('credentials')).toBe(1);
    expect(t.store.lists.mergePending(1_000)).toBe(1);
    expect(t.store.lists.mergePending(1_000)).toBe(0);
    expect(count('credentials')).toBe(2);
    expect(count('credentials_pending')).toBe(0);
    expect(t.store.lookups.credential(hashOf(2))).toMatchObject({ subjectId: 'S2' });
  });

  it('hides a merged row as soon as its deletion arrives, and counts an update of a merged row as an update', () => {
    delta(0, [cred(1, 'S1'), cred(2, 'S2')]);
    t.store.lists.mergePending(1_000);
    expect(delta(1, [cred(2, 'S2-new')], [del(1), del(99)])).toMatchObject({ status: 'applied', inserted: 0, updated: 1, deleted: 1 });
    expect(count('credentials')).toBe(2); // not merged yet
    expect(t.store.lookups.credential(hashOf(1))).toBeNull();
    expect(t.store.lookups.credential(hashOf(2))).toMatchObject({ subjectId: 'S2-new' });
    expect(t.store.lists.version('credentials').rowCount).toBe(1);
    t.store.lists.mergePending(1_000);
    expect(count('credentials')).toBe(1);
    expect(count('credentials_pending')).toBe(0);
    expect(t.store.lookups.credential(hashOf(1))).toBeNull();
  });

  it('answers like a plain table for any sequence of deltas and merges (model check)', async () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('upsert' as const), key: fc.nat(19), subject: fc.constantFrom('A', 'B', 'C') }),
      fc.record({ t: fc.constant('delete' as const), key: fc.nat(19) }),
      fc.record({ t: fc.constant('merge' as const), rows: fc.integer({ min: 1, max: 8 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const s = await openTestStore();
        try {
          const model = new Map<number, string>();
          let version = 0;
          for (const o of ops) {
            if (o.t === 'merge') {
              s.store.lists.mergePending(o.rows);
            } else {
              const message =
                o.t === 'upsert'
                  ? { list: 'credentials', fromVersion: version, toVersion: version + 1, upserts: [cred(o.key, o.subject)] }
                  : { list: 'credentials', fromVersion: version, toVersion: version + 1, deletes: [del(o.key)] };
              const outcome = s.store.lists.applyDelta(message);
              expect(outcome.status).toBe('applied');
              version += 1;
              if (o.t === 'upsert') model.set(o.key, o.subject);
              else model.delete(o.key);
            }
            for (let k = 0; k < 20; k++) expect(s.store.lookups.credential(hashOf(k))?.subjectId ?? null).toBe(model.get(k) ?? null);
            expect(s.store.lists.version('credentials').rowCount).toBe(model.size);
          }
          s.store.lists.mergePending(Number.MAX_SAFE_INTEGER);
          const merged = s.store.database.prepare('SELECT count(*) FROM credentials').pluck().get();
          expect(merged).toBe(model.size);
          expect(s.store.database.prepare('SELECT count(*) FROM credentials_pending').pluck().get()).toBe(0);
        } finally {
          await s.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('consumes a single-use token whether or not its row is merged, and keeps it used across later deltas and the merge', () => {
    const hash = t.store.keyedHash('qr-token', 'overlay-token-00000001');
    const row = { kind: 'qr-token', hash: hash.toString('hex'), subjectId: 'S1', singleUse: true };
    delta(0, [row]);
    expect(t.store.tokens.consumeSingleUse(hash)).toBe('consumed'); // pending row
    expect(t.store.tokens.consumeSingleUse(hash)).toBe('already-used');
    delta(1, [{ ...row, status: 'active' }]); // the central system has not heard of the use yet
    t.store.lists.mergePending(1_000);
    expect(t.store.lookups.credential(hash)?.status).toBe('used');
    expect(t.store.tokens.consumeSingleUse(hash)).toBe('already-used'); // main row

    const other = t.store.keyedHash('qr-token', 'overlay-token-00000002');
    delta(2, [{ ...row, hash: other.toString('hex') }]);
    t.store.lists.mergePending(1_000);
    expect(t.store.tokens.consumeSingleUse(other)).toBe('consumed'); // merged row
    delta(3, [{ ...row, hash: other.toString('hex'), status: 'active' }]); // re-sent as active: pending row keeps it used
    expect(t.store.lookups.credential(other)?.status).toBe('used');
    expect(t.store.tokens.consumeSingleUse(other)).toBe('already-used');
  });

  it('a snapshot replaces the pending rows too, and a token consumed on a pending row stays used', () => {
    const hash = t.store.keyedHash('qr-token', 'overlay-token-00000003');
    const token = { kind: 'qr-token', hash: hash.toString('hex'), subjectId: 'S1', singleUse: true };
    delta(0, [token, cred(5, 'S5')]);
    expect(t.store.tokens.consumeSingleUse(hash)).toBe('consumed');
    const swap = t.store.lists.applySnapshotChunk({ list: 'credentials', snapshotId: 'snap', version: 7, chunk: 0, chunks: 1, rows: [token, cred(6, 'S6')] });
    expect(swap).toMatchObject({ status: 'swapped', rows: 2 });
    expect(count('credentials_pending')).toBe(0);
    expect(t.store.lookups.credential(hashOf(5))).toBeNull();
    expect(t.store.lookups.credential(hashOf(6))).toMatchObject({ subjectId: 'S6' });
    expect(t.store.lookups.credential(hash)?.status).toBe('used');
  });

  it('the running store merges in the background on its own timer', () => {
    delta(0, Array.from({ length: 2_500 }, (_, i) => cred(i, `S${i}`)));
    expect(count('credentials_pending')).toBe(2_500);
    t.clock.advance(100); // one batch of 1,000 (the default)
    expect(count('credentials_pending')).toBe(1_500);
    t.clock.advance(200);
    expect(count('credentials_pending')).toBe(0);
    expect(count('credentials')).toBe(2_500);
  });

  it('does not merge while the store is failed, and serves the pending rows meanwhile', () => {
    delta(0, [cred(1, 'S1')]);
    t.store.database.pragma('query_only = ON'); // every write now fails as read-only
    t.store.probe();
    expect(t.store.failure?.problem).toBe('read-only');
    t.clock.advance(1_000);
    expect(count('credentials_pending')).toBe(1);
    expect(t.store.lookups.credential(hashOf(1))).toMatchObject({ subjectId: 'S1' });
    t.store.database.pragma('query_only = OFF');
    expect(t.store.probe()).toBe(true);
    t.clock.advance(100);
    expect(count('credentials_pending')).toBe(0);
    expect(t.store.lookups.credential(hashOf(1))).toMatchObject({ subjectId: 'S1' });
  });
});

describe('credential key filter (a new key skips the database probe)', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.close());

  it('misses no key that moves from the pending table into the main table while the filter is being built', () => {
    const delta = (from: number, upserts: unknown[]) => t.store.lists.applyDelta({ list: 'credentials', fromVersion: from, toVersion: from + 1, upserts });
    delta(0, Array.from({ length: 50 }, (_, i) => cred(i, 'S')));
    t.store.lists.mergePending(1_000);
    delta(1, Array.from({ length: 20 }, (_, i) => cred(100 + i, 'S')));
    // A second overlay on the same connection, as after a restart: its filter starts empty.
    const overlay = new PendingOverlay(t.store.database, credentialsList);
    expect(overlay.buildFilterStep(10)).toBe(false);
    expect(overlay.merge(1_000)).toBe(20); // keys on both sides of the build cursor move to the main table
    while (!overlay.buildFilterStep(10));
    expect(overlay.filterReady).toBe(true);
    // Every key is known: re-sending all 70 is 70 updates, none counted as new.
    const all = [...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 20 }, (_, i) => 100 + i)];
    const rows = all.map((i) => credentialsList.parseUpsert(cred(i, 'S2'), 'r', { add: () => undefined } as never, { hash: () => Buffer.alloc(32) }));
    expect(overlay.apply([], rows)).toEqual({ inserted: 0, deleted: 0 });
    expect(overlay.apply([], [credentialsList.parseUpsert(cred(999, 'S'), 'r', { add: () => undefined } as never, { hash: () => Buffer.alloc(32) })])).toEqual({
      inserted: 1,
      deleted: 0,
    });
  });

  it('never calls an added key absent, and calls most other keys absent', () => {
    const filter = new KeyFilter(10_000);
    for (let i = 0; i < 10_000; i++) filter.add(hashOf(i));
    for (let i = 0; i < 10_000; i++) expect(filter.mightContain(hashOf(i))).toBe(true);
    let falsePositives = 0;
    for (let i = 10_000; i < 30_000; i++) if (filter.mightContain(hashOf(i))) falsePositives += 1;
    expect(falsePositives / 20_000).toBeLessThan(0.01);
    const short = new KeyFilter(10);
    short.add(Buffer.from('ab'));
    expect(short.mightContain(Buffer.from('ab'))).toBe(true);
  });
});
