import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../../src/store/index.js';
import type { Clock } from '../../../../src/util/clock.js';

/** A real lane store (SQLite file in a temp dir) for the sync tests. */
export interface TempStore {
  store: Store;
  dir: string;
  close(): Promise<void>;
}

export const SITE_KEY = Buffer.alloc(32, 7);

export async function openTempStore(opts: { lane?: string; clock?: Clock; dir?: string } = {}): Promise<TempStore> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lc-sync-'));
  const store = new Store({ dataDir: dir, lane: opts.lane ?? 'p-entry-03', siteKey: SITE_KEY, clock: opts.clock, evidenceSweepIntervalMs: 3_600_000 });
  await store.start();
  return {
    store,
    dir,
    async close() {
      await store.stop();
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Commits `n` alarm rows to the outbox and returns their message ids in order. One row goes
 * through Outbox.enqueue (its own transaction, as the lane does); the rest are inserted in one
 * transaction so a large backlog does not cost one fsync per row in test setup.
 */
export function enqueueAlarms(store: Store, n: number, tag = 'test'): string[] {
  if (n <= 0) return [];
  const ids = [store.outbox.enqueue('event/alarm', { code: 'test-alarm', tag, i: 0 }).messageId];
  store.database.transaction(() => {
    for (let i = 1; i < n; i++) ids.push(store.outbox.insert('event/alarm', JSON.stringify({ code: 'test-alarm', tag, i }), null).messageId);
  })();
  return ids;
}
