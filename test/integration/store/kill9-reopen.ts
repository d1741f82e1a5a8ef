import { expect } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { SITE_KEY } from '../../unit/store/store-fixtures.js';

export interface StoredPassage {
  seq: number;
  hash: string;
  content: string;
}

/**
 * Opens the store a killed child left behind and checks what durability promises: the hash chain
 * verifies, no seq is missing, every acknowledged (seq, hash) in `acked` is stored unchanged, and each
 * passage kept its outbox message. `more` adds a test's own checks on the rows (in seq order).
 */
export async function reopenAndCheck(dataDir: string, acked: Map<number, string>, more?: (rows: StoredPassage[]) => void): Promise<void> {
  const store = new Store({ dataDir, lane: 'lane-k9', siteKey: SITE_KEY, clock: new FakeClock() });
  await store.start();
  try {
    const report = store.verifyJournal();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const head = store.journal.head();
    // The passage in flight when the signal hit may or may not have committed; every acknowledged one did.
    expect(head.seq).toBeGreaterThanOrEqual(Math.max(...acked.keys()));
    expect(head.count).toBe(head.seq);
    const rows = store.database
      .prepare("SELECT seq, lower(hex(hash)) AS hash, content FROM passages WHERE lane = 'lane-k9' ORDER BY seq")
      .all() as StoredPassage[];
    const stored = new Map(rows.map((r) => [r.seq, r.hash]));
    for (const [seq, hash] of acked) expect(stored.get(seq), `acknowledged passage ${seq}`).toBe(hash);
    more?.(rows);
    // Each passage still has its outbox message (same transaction).
    expect(store.outbox.stats().backlog).toBe(head.count);
  } finally {
    await store.stop();
  }
}
