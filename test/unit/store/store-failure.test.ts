import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyMaxDbBytes } from '../../../src/store/database.js';
import { StoreUnavailableError, type StoreFailure } from '../../../src/store/store-failure.js';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { trackHandles } from '../../helpers/leaks.js';
import { passage, storeOptions, tempDir, type TempDir } from './store-fixtures.js';

/** Appends until the store refuses; returns the acknowledged sequence numbers. */
function appendUntilRefused(store: Store, limit: number): { acked: number[]; error: unknown } {
  const acked: number[] = [];
  for (let i = 0; i < limit; i++) {
    try {
      acked.push(store.journal.append(passage({ evidence: { padding: 'x'.repeat(1500), n: i } })).record.seq);
    } catch (error) {
      return { acked, error };
    }
  }
  return { acked, error: null };
}

describe('store failure: fail secure without losing committed rows', () => {
  let dir: TempDir;
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const stores: Store[] = [];
  const start = async (extra: Parameters<typeof storeOptions>[2] = {}): Promise<{ store: Store; events: StoreFailure[] }> => {
    const store = new Store(storeOptions(dir.path, clock, extra));
    const events: StoreFailure[] = [];
    store.on('failed', (f) => events.push(f));
    await store.start();
    stores.push(store);
    return { store, events };
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.stop();
    dir.cleanup();
  });

  it('a database file made read-only (0444, opened read-only) fails the store at start; committed rows stay readable', async () => {
    dir = tempDir();
    const first = (await start()).store;
    for (let i = 0; i < 3; i++) first.journal.append(passage());
    await first.stop();
    stores.splice(0);
    chmodSync(join(dir.path, 'lane.db'), 0o444);

    const { store, events } = await start({ readonly: true });
    expect(events).toEqual([expect.objectContaining({ problem: 'read-only', operation: 'open' })]);
    expect(store.health()).toMatchObject({ state: 'failed', lastError: expect.stringContaining('read-only') as string });
    expect(() => store.journal.append(passage())).toThrow(StoreUnavailableError);
    expect(store.journal.last(10).map((p) => p.record.seq)).toEqual([3, 2, 1]);
    expect(store.verifyJournal()).toMatchObject({ ok: true, checked: 3 });
    expect(store.factsFor({}, { now: clock.now() })).toMatchObject({ storeHealthy: false, storeProblem: 'read-only' });
    // Probing does not bring a read-only store back.
    clock.advance(10_000);
    expect(store.failure?.problem).toBe('read-only');
  });

  it('a write refused by SQLite as read-only (query_only) fails the store; it recovers when writes work again', async () => {
    dir = tempDir();
    const { store, events } = await start();
    store.journal.append(passage());
    const recovered: StoreFailure[] = [];
    store.on('recovered', (f) => recovered.push(f));
    store.database.pragma('query_only = ON');
    const err = (() => {
      try {
        store.journal.append(passage());
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).failure).toMatchObject({ problem: 'read-only', code: 'SQLITE_READONLY', operation: 'append passage' });
    expect(events).toHaveLength(1);
    // While failed, writes are refused up front (no half-working journal), reads still work.
    expect(() => store.outbox.enqueue('event/alarm', {})).toThrow(/store unavailable \(read-only/);
    expect(store.journal.head()).toEqual({ count: 1, seq: 1 });
    clock.advance(5_000);
    expect(store.failure).not.toBeNull();
    store.database.pragma('query_only = OFF');
    clock.advance(5_000); // the maintenance timer probes
    expect(store.failure).toBeNull();
    expect(recovered).toHaveLength(1);
    expect(store.journal.append(passage()).record.seq).toBe(2);
  });

  it('a full database (max_page_count) returns SQLITE_FULL: store failed, every acknowledged passage survives', async () => {
    dir = tempDir();
    const leaks = trackHandles();
    const { store, events } = await start();
    const db = store.database;
    const pages = Number(db.pragma('page_count', { simple: true }));
    applyMaxDbBytes(db, (pages + 12) * 4096);
    const { acked, error } = appendUntilRefused(store, 500);
    expect(acked.length).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).failure).toMatchObject({ problem: 'disk-full', code: 'SQLITE_FULL' });
    expect(events.map((e) => e.problem)).toEqual(['disk-full']);
    expect(store.health().state).toBe('failed');
    expect(store.factsFor({}, { now: clock.now() })).toMatchObject({ storeHealthy: false, storeProblem: 'disk-full' });
    // A probe does not clear a full disk without real headroom.
    clock.advance(5_000);
    expect(store.failure?.problem).toBe('disk-full');

    await store.stop();
    stores.splice(0);
    const reopened = (await start()).store;
    expect(reopened.failure).toBeNull();
    expect(reopened.journal.head()).toEqual({ count: acked.length, seq: acked.at(-1) });
    expect(reopened.verifyJournal()).toMatchObject({ ok: true, checked: acked.length });
    expect(reopened.outbox.stats().backlog).toBe(acked.length);
    await reopened.stop();
    stores.splice(0);
    await leaks.assertNoneLeft();
  });

  it('recovers from a full database once there is room again', async () => {
    dir = tempDir();
    const { store } = await start();
    const pages = Number(store.database.pragma('page_count', { simple: true }));
    applyMaxDbBytes(store.database, (pages + 8) * 4096);
    const { acked } = appendUntilRefused(store, 500);
    expect(store.failure?.problem).toBe('disk-full');
    applyMaxDbBytes(store.database, (pages + 2000) * 4096);
    expect(store.probe()).toBe(true);
    expect(store.journal.append(passage()).record.seq).toBe(acked.length + 1);
    expect(store.verifyJournal().ok).toBe(true);
  });
});
