import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { passageDetail } from '../../../src/store/store-queries.js';
import { Store } from '../../../src/store/store.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { passage, storeOptions, tempDir, type TempDir } from './store-fixtures.js';

const DAY = 86_400_000;
const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('evidence files', () => {
  let dir: TempDir;
  let store: Store;
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 8));
  const evidenceDir = () => join(dir.path, 'evidence');
  const start = async (quotaBytes = 1000): Promise<void> => {
    // The periodic sweep is tested on its own below; here sweeps run only when a test asks.
    store = new Store(storeOptions(dir.path, clock, { evidence: { quotaBytes, retentionMs: 30 * DAY }, evidenceSweepIntervalMs: 1000 * DAY, checkpointIntervalMs: DAY }));
    await store.start();
  };
  const live = (): string[] =>
    store.database.prepare('SELECT ref FROM evidence_files WHERE deleted_at IS NULL ORDER BY created_at').pluck().all() as string[];
  afterEach(async () => {
    await store.stop();
    dir.cleanup();
  });

  it('writes real files under the evidence folder and indexes them', async () => {
    dir = tempDir();
    await start();
    const saved = await store.evidence.save({ kind: 'face-crop', data: bytes(120, 1), ext: 'jpg' });
    expect(saved.ref).toMatch(/^2026\/06\/01\/[0-9a-f-]{36}\.face-crop\.jpg$/);
    const path = store.evidence.pathFor(saved.ref)!;
    expect(readFileSync(path)).toEqual(bytes(120, 1));
    expect(store.evidence.stats()).toMatchObject({ files: 1, bytes: 120, unsent: 1, quotaBytes: 1000 });
    expect(store.evidence.pathFor('../../etc/passwd')).toBeNull();
    expect(readdirSync(join(evidenceDir(), '2026', '06', '01')).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('makes room by removing the oldest sent files first, unsent ones only as a last resort', async () => {
    dir = tempDir();
    await start(1000);
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      refs.push((await store.evidence.save({ kind: 'frame', data: bytes(300, i), ext: 'jpg' })).ref);
      clock.advance(1000);
    }
    expect(store.evidence.markSent([refs[1]!])).toBe(1);
    const d = await store.evidence.save({ kind: 'frame', data: bytes(300, 3), ext: 'jpg' });
    expect(live()).toEqual([refs[0], refs[2], d.ref]); // B (sent) went although A is older
    expect(existsSync(join(evidenceDir(), ...refs[1]!.split('/')))).toBe(false);
    clock.advance(1000);
    const e = await store.evidence.save({ kind: 'frame', data: bytes(300, 4), ext: 'jpg' });
    expect(live()).toEqual([refs[2], d.ref, e.ref]); // nothing sent left: the oldest unsent (A) went
    expect(store.evidence.status([refs[0]!, refs[1]!]).map((s) => s.deleteReason)).toEqual(['quota', 'quota']);
    expect(store.evidence.stats().bytes).toBe(900);
  });

  it('removes files past the retention period whether sent or not, and never touches the journal', async () => {
    dir = tempDir();
    await start(10_000);
    const old = await store.evidence.save({ kind: 'plate-crop', data: bytes(50, 1), ext: 'png' });
    const journaled = store.journal.append(passage({ outcome: 'deny', reasons: ['VEHICLE_NOT_FOUND'], evidenceFiles: [old.ref] }));
    store.evidence.linkToPassage([old.ref], journaled.record.id);
    clock.advance(29 * DAY);
    const recent = await store.evidence.save({ kind: 'plate-crop', data: bytes(50, 2), ext: 'png' });
    clock.advance(2 * DAY);
    const sweep = await store.evidence.enforce();
    expect(sweep).toMatchObject({ deletedForRetention: 1, deletedForQuota: 0, freedBytes: 50 });
    expect(live()).toEqual([recent.ref]);
    const detail = passageDetail(store, journaled.record.id)!;
    expect(detail.record.evidenceFiles).toEqual([old.ref]);
    expect(detail.evidence).toEqual([expect.objectContaining({ ref: old.ref, deleteReason: 'retention', deletedAt: clock.now() })]);
    expect(store.verifyJournal().ok).toBe(true);
  });

  it('applies retention on a timer', async () => {
    dir = tempDir();
    store = new Store(storeOptions(dir.path, clock, { evidence: { quotaBytes: 10_000, retentionMs: DAY }, evidenceSweepIntervalMs: 3_600_000, checkpointIntervalMs: DAY }));
    await store.start();
    const saved = await store.evidence.save({ kind: 'frame', data: bytes(10, 1), ext: 'jpg' });
    clock.advance(DAY + 3_600_000);
    await expect.poll(() => store.evidence.status([saved.ref])[0]?.deleteReason).toBe('retention');
    expect(existsSync(join(evidenceDir(), ...saved.ref.split('/')))).toBe(false);
  });

  it('cleans up after a crash: removes orphans and temp files, marks vanished files missing', async () => {
    dir = tempDir();
    await start(10_000);
    const kept = await store.evidence.save({ kind: 'frame', data: bytes(10, 1), ext: 'jpg' });
    const vanished = await store.evidence.save({ kind: 'frame', data: bytes(20, 2), ext: 'jpg' });
    await store.stop();
    mkdirSync(join(evidenceDir(), '2026', '05', '31'), { recursive: true });
    writeFileSync(join(evidenceDir(), '2026', '05', '31', 'half-written.frame.jpg.tmp'), 'x');
    writeFileSync(join(evidenceDir(), 'stray.bin'), 'y');
    rmSync(join(evidenceDir(), ...vanished.ref.split('/')));
    await start(10_000);
    expect(existsSync(join(evidenceDir(), 'stray.bin'))).toBe(false);
    expect(existsSync(join(evidenceDir(), '2026', '05', '31', 'half-written.frame.jpg.tmp'))).toBe(false);
    expect(live()).toEqual([kept.ref]);
    expect(store.evidence.status([vanished.ref])[0]?.deleteReason).toBe('missing');
    expect(store.evidence.stats().bytes).toBe(10);
  });

  it('refuses bad input with a reason', async () => {
    dir = tempDir();
    await start(100);
    await expect(store.evidence.save({ kind: 'Face Crop', data: bytes(1, 0), ext: 'jpg' })).rejects.toThrow(/evidence kind/);
    await expect(store.evidence.save({ kind: 'frame', data: bytes(1, 0), ext: '../x' })).rejects.toThrow(/extension/);
    await expect(store.evidence.save({ kind: 'frame', data: bytes(101, 0), ext: 'jpg' })).rejects.toThrow(/larger than the whole quota/);
    expect(store.evidence.stats().files).toBe(0);
  });
});
