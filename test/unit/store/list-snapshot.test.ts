import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { storeOptions, tempDir, unitVector, type TempDir } from './store-fixtures.js';

const vehicle = (i: number) => ({ vehicleId: `V${i}`, plate: `29A${String(10000 + i)}`, plateCountry: 'VN', vehicleClass: 'truck' });
const chunk = (snapshotId: string, version: number, index: number, chunks: number, rows: unknown[]) => ({
  list: 'vehicles',
  snapshotId,
  version,
  chunk: index,
  chunks,
  rows,
});

describe('list snapshots', () => {
  let dir: TempDir;
  const stores: Store[] = [];
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const start = async (): Promise<Store> => {
    const s = new Store(storeOptions(dir.path, clock));
    await s.start();
    stores.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.stop();
    dir.cleanup();
  });

  it('stage chunks in any order and swap the whole list in at the last one', async () => {
    dir = tempDir();
    const store = await start();
    store.lists.applyDelta({ list: 'vehicles', fromVersion: 0, toVersion: 3, upserts: [vehicle(900), vehicle(1)] });
    expect(store.lists.applySnapshotChunk(chunk('snap-a', 7, 2, 3, [vehicle(5)]))).toEqual({
      status: 'stored',
      list: 'vehicles',
      snapshotId: 'snap-a',
      received: 1,
      chunks: 3,
    });
    expect(store.lists.applySnapshotChunk(chunk('snap-a', 7, 0, 3, [vehicle(1), vehicle(2)])).status).toBe('stored');
    // Until the last chunk the old list is untouched.
    expect(store.lookups.vehicle('V900')).not.toBeNull();
    expect(store.lists.version('vehicles').version).toBe(3);
    const swapped = store.lists.applySnapshotChunk(chunk('snap-a', 7, 1, 3, [vehicle(3), { ...vehicle(2), vehicleClass: 'bus' }]));
    expect(swapped).toEqual({ status: 'swapped', list: 'vehicles', version: 7, rows: 4 });
    expect(store.lookups.vehicle('V900')).toBeNull();
    expect(store.lookups.vehicle('V2')?.vehicleClass).toBe('bus'); // a key staged twice keeps the later row
    expect(store.lists.version('vehicles')).toMatchObject({ version: 7, rowCount: 4 });
    expect(store.lookups.vehiclesByPlate('29A10003', 'VN', 0).map((v) => v.vehicleId)).toEqual(['V3']);
    // One arbitrary edit (cost 1) is within distance 1: the exact match still comes first.
    expect(store.lookups.vehiclesByPlate('29A10003', 'VN', 1)[0]).toMatchObject({ vehicleId: 'V3', distance: 0 });
    expect(store.database.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE 'stage_%'").pluck().get()).toBe(0);
    // Deltas continue from the snapshot's version.
    expect(store.lists.applyDelta({ list: 'vehicles', fromVersion: 7, toVersion: 8, deletes: ['V5'] }).status).toBe('applied');
  });

  it('ignore a redelivered chunk and a snapshot older than the cached list', async () => {
    dir = tempDir();
    const store = await start();
    store.lists.applySnapshotChunk(chunk('s1', 4, 0, 2, [vehicle(1)]));
    expect(store.lists.applySnapshotChunk(chunk('s1', 4, 0, 2, [vehicle(1)]))).toMatchObject({ status: 'duplicate', chunk: 0 });
    expect(store.lists.applySnapshotChunk(chunk('s1', 4, 1, 2, [vehicle(2)]))).toMatchObject({ status: 'swapped', rows: 2 });
    expect(store.lists.applySnapshotChunk(chunk('s0', 3, 0, 1, [vehicle(9)]))).toEqual({
      status: 'stale',
      list: 'vehicles',
      version: 4,
      snapshotVersion: 3,
    });
    expect(store.lookups.vehicle('V9')).toBeNull();
  });

  it('let a newer snapshot replace one still being received, and refuse a changed chunk count', async () => {
    dir = tempDir();
    const store = await start();
    store.lists.applySnapshotChunk(chunk('old', 5, 0, 2, [vehicle(1)]));
    store.lists.applySnapshotChunk(chunk('new', 6, 0, 2, [vehicle(2)]));
    expect(store.lists.applySnapshotChunk(chunk('old', 5, 1, 2, [vehicle(3)]))).toMatchObject({ status: 'stale', version: 6 });
    expect(store.lists.applySnapshotChunk(chunk('new', 6, 1, 3, [vehicle(4)]))).toMatchObject({
      status: 'invalid',
      reason: expect.stringContaining('changed its version or chunk count') as string,
    });
    expect(store.lists.applySnapshotChunk(chunk('new', 6, 1, 2, [vehicle(4)]))).toMatchObject({ status: 'swapped', rows: 2 });
    expect([store.lookups.vehicle('V1'), store.lookups.vehicle('V3')]).toEqual([null, null]);
    expect(store.lookups.vehicle('V4')).not.toBeNull();
  });

  it('resume a half-received snapshot after a restart', async () => {
    dir = tempDir();
    const first = await start();
    first.lists.applySnapshotChunk(chunk('s', 2, 0, 2, [vehicle(1)]));
    await first.stop();
    stores.splice(0);
    const second = await start();
    expect(second.lists.applySnapshotChunk(chunk('s', 2, 1, 2, [vehicle(2)]))).toMatchObject({ status: 'swapped', rows: 2 });
  });

  it('refuse malformed chunks with a reason and no change', async () => {
    dir = tempDir();
    const store = await start();
    expect(store.lists.applySnapshotChunk(chunk('bad id!', 1, 0, 1, []))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/snapshotId/) as string });
    expect(store.lists.applySnapshotChunk(chunk('s', 1, 2, 2, []))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/chunk: must be below chunks/) as string });
    expect(store.lists.applySnapshotChunk(chunk('s', 1, 0, 1, [{ vehicleId: 'V' }]))).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/rows\[0\]\.plate/) as string });
    expect(store.lists.version('vehicles').version).toBe(0);
  });

  it('reload the face matrices after a template snapshot and keep consumed tokens used', async () => {
    dir = tempDir();
    const store = await start();
    const v = unitVector(32, 9);
    store.lists.applySnapshotChunk({
      list: 'face-templates',
      snapshotId: 'f1',
      version: 1,
      chunk: 0,
      chunks: 1,
      rows: [{ templateId: 'T9', subjectId: 'S9', modelId: 'm1', quality: 1, vector: Array.from(v) }],
    });
    expect(store.faces.searchEnrolled('m1', v, { k: 1 })[0]?.id).toBe('T9');

    const hash = store.keyedHash('qr-token', 'one-time-token-000001');
    const row = { kind: 'qr-token', hash: hash.toString('hex'), subjectId: 'S9', singleUse: true };
    store.lists.applySnapshotChunk({ list: 'credentials', snapshotId: 'c1', version: 1, chunk: 0, chunks: 1, rows: [row] });
    expect(store.tokens.consumeSingleUse(hash)).toBe('consumed');
    store.lists.applySnapshotChunk({ list: 'credentials', snapshotId: 'c2', version: 2, chunk: 0, chunks: 1, rows: [row] });
    expect(store.lookups.credential(hash)?.status).toBe('used');
  });
});
