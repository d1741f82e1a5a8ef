import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMaxDbBytes } from '../../../src/store/database.js';
import { GroupCommit } from '../../../src/store/journal/group-commit.js';
import { StoreInputError, StoreUnavailableError } from '../../../src/store/store-failure.js';
import type { AppendResult } from '../../../src/store/journal/journal.js';
import { openTestStore, passage } from './store-fixtures.js';

type Settled = { ok: true; value: AppendResult } | { ok: false; error: unknown };
const settle = (p: Promise<AppendResult>): Promise<Settled> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

describe('journal group commit (appendGrouped)', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.close());

  it('commits concurrent appends in one transaction, in call order, with a gapless chain', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => t.store.journal.appendGrouped(passage({ evidence: { n: i } }))));
    expect(results.map((r) => r.record.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(results.map((r) => (r.record.evidence as { n: number }).n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    results.forEach((r, i) => expect(r.prevHash).toBe(i === 0 ? '0'.repeat(64) : results[i - 1]!.hash));
    expect(t.store.journal.groupStats()).toEqual({ batches: 1, passages: 100, queued: 0 });
    expect(t.store.verifyJournal()).toMatchObject({ ok: true, checked: 100 });
    expect(t.store.outbox.stats().backlog).toBe(100);
  });

  it('resolves only after the commit: before it nothing is visible to another connection, after it everything is', async () => {
    const reader = new Database(t.store.dbPath, { readonly: true });
    try {
      const count = (): number => Number(reader.prepare('SELECT count(*) FROM passages').pluck().get());
      const promises = [1, 2, 3].map(() => t.store.journal.appendGrouped(passage()));
      expect(count()).toBe(0); // queued, not yet committed
      expect(t.store.journal.groupStats().queued).toBe(3);
      const seen: number[] = [];
      await Promise.all(promises.map((p) => p.then(() => seen.push(count()))));
      expect(seen).toEqual([3, 3, 3]);
    } finally {
      reader.close();
    }
  });

  it('keeps batching while producers keep appending: later passages form later batches, still in order', async () => {
    const producers = 16;
    const perProducer = 20;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: producers }, async (_, p) => {
        for (let k = 0; k < perProducer; k++) {
          const r = await t.store.journal.appendGrouped(passage({ evidence: { p, k } }));
          order.push(r.record.seq);
        }
      }),
    );
    const total = producers * perProducer;
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const stats = t.store.journal.groupStats();
    expect(stats.passages).toBe(total);
    // Each round of the 16 producers shares a transaction: far fewer commits than passages.
    expect(stats.batches).toBeLessThanOrEqual(total / 4);
    // Within a producer, its passages are journaled in the order it made them.
    const rows = t.store.database.prepare('SELECT content FROM passages ORDER BY seq').pluck().all() as string[];
    const ks = new Map<number, number[]>();
    for (const c of rows) {
      const e = (JSON.parse(c) as { evidence: { p: number; k: number } }).evidence;
      ks.set(e.p, [...(ks.get(e.p) ?? []), e.k]);
    }
    for (const list of ks.values()) expect(list).toEqual(Array.from({ length: perProducer }, (_, i) => i));
    expect(t.store.verifyJournal().ok).toBe(true);
  });

  it('a malformed input rejects only its caller, before anything is queued', async () => {
    const good1 = settle(t.store.journal.appendGrouped(passage()));
    const bad = settle(t.store.journal.appendGrouped(passage({ evidence: { documentNumber: 'C1234567' } })));
    const good2 = settle(t.store.journal.appendGrouped(passage()));
    const [a, b, c] = await Promise.all([good1, bad, good2]);
    expect(b.ok).toBe(false);
    expect((b as { error: unknown }).error).toBeInstanceOf(StoreInputError);
    expect([a, c].map((s) => (s.ok ? s.value.record.seq : null))).toEqual([1, 2]);
  });

  it('a passage SQLite refuses (duplicate id) is left out without a hole; the rest of the batch commits', async () => {
    const first = t.store.journal.append(passage());
    const settled = await Promise.all(
      [passage(), passage({ id: first.record.id }), passage()].map((p) => settle(t.store.journal.appendGrouped(p))),
    );
    expect(settled.map((s) => s.ok)).toEqual([true, false, true]);
    expect((settled[1] as { error: { code?: string } }).error.code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(settled.flatMap((s) => (s.ok ? [s.value.record.seq] : []))).toEqual([2, 3]);
    expect(t.store.journal.head()).toEqual({ count: 3, seq: 3 });
    expect(t.store.verifyJournal()).toMatchObject({ ok: true, checked: 3 });
    expect(t.store.outbox.stats().backlog).toBe(3);
  });

  it('a batch whose commit fails (database full) fails every caller in it and writes none of it', async () => {
    t.store.journal.append(passage());
    const db = t.store.database;
    applyMaxDbBytes(db, (Number(db.pragma('page_count', { simple: true })) + 6) * 4096);
    // Each passage is about 3 KiB with its outbox copy: the first few would fit, the batch does not.
    const settled = await Promise.all(
      Array.from({ length: 40 }, (_, i) => settle(t.store.journal.appendGrouped(passage({ evidence: { padding: 'x'.repeat(1500), n: i } })))),
    );
    expect(settled.every((s) => !s.ok && s.error instanceof StoreUnavailableError)).toBe(true);
    expect((settled[0] as { error: StoreUnavailableError }).error.failure).toMatchObject({ problem: 'disk-full', code: 'SQLITE_FULL' });
    expect(t.store.journal.head()).toEqual({ count: 1, seq: 1 });
    expect(t.store.outbox.stats().backlog).toBe(1);
    // While failed, appendGrouped is refused up front.
    await expect(t.store.journal.appendGrouped(passage())).rejects.toBeInstanceOf(StoreUnavailableError);
    applyMaxDbBytes(db, 1 << 30);
    expect(t.store.probe()).toBe(true);
    expect((await t.store.journal.appendGrouped(passage())).record.seq).toBe(2);
    expect(t.store.verifyJournal()).toMatchObject({ ok: true, checked: 2 });
  });

  it('interleaves with the synchronous append without breaking the chain', async () => {
    const a = t.store.journal.appendGrouped(passage());
    const s = t.store.journal.append(passage()); // commits at once, ahead of the queued one
    const b = t.store.journal.appendGrouped(passage());
    const [ra, rb] = await Promise.all([a, b]);
    expect([s.record.seq, ra.record.seq, rb.record.seq]).toEqual([1, 2, 3]);
    expect(ra.prevHash).toBe(s.hash);
    expect(t.store.verifyJournal().ok).toBe(true);
  });

  it('stop() commits passages still queued instead of dropping them', async () => {
    const p = t.store.journal.appendGrouped(passage());
    const path = t.store.dbPath;
    await t.store.stop();
    expect((await p).record.seq).toBe(1);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM passages').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });
});

describe('GroupCommit', () => {
  it('splits a queue longer than maxBatch over several flushes, in order', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(
      (items) => {
        batches.push([...items]);
        return items.map((v) => ({ ok: true as const, value: v * 10 }));
      },
      { maxBatch: 4 },
    );
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('a commit that throws rejects the whole batch and the next batch still runs', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>((items) => {
      calls += 1;
      if (calls === 1) throw new Error('disk on fire');
      return items.map((v) => ({ ok: true as const, value: v }));
    });
    const first = [gc.submit(1), gc.submit(2)].map((p) => p.then(() => 'ok', (e: Error) => e.message));
    expect(await Promise.all(first)).toEqual(['disk on fire', 'disk on fire']);
    expect(await gc.submit(3)).toBe(3);
  });
});
