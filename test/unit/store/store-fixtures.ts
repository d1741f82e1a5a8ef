import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { Store, type StoreOptions } from '../../../src/store/store.js';
import type { PassageInput } from '../../../src/store/journal/passage-input.js';

/** A fixed 32-byte site key: tests must be reproducible. */
export const SITE_KEY = Buffer.from('0123456789abcdef0123456789abcdef', 'utf8');

export interface TempDir {
  path: string;
  cleanup(): void;
}

export function tempDir(prefix = 'lane-store-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function storeOptions(dataDir: string, clock: FakeClock, extra: Partial<StoreOptions> = {}): StoreOptions {
  return { dataDir, lane: 'lane-1', siteKey: SITE_KEY, clock, ...extra };
}

/** A started store on a fresh temp dir with a fake clock; `close()` stops it and removes the dir. */
export async function openTestStore(extra: Partial<StoreOptions> = {}): Promise<{
  store: Store;
  clock: FakeClock;
  dir: TempDir;
  close(): Promise<void>;
}> {
  const dir = tempDir();
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 8, 0, 0));
  const store = new Store(storeOptions(dir.path, clock, extra));
  await store.start();
  return {
    store,
    clock,
    dir,
    async close() {
      await store.stop();
      dir.cleanup();
    },
  };
}

export function passage(overrides: Partial<PassageInput> = {}): PassageInput {
  return {
    kind: 'people',
    direction: 'entry',
    stages: { presented: 1_780_000_000_000, decided: 1_780_000_000_120 },
    evidence: { credentialHash: 'ab'.repeat(32), faceScore: 0.91, faceModel: 'faceres-1' },
    outcome: 'grant',
    reasons: [],
    ...overrides,
  };
}

/** A deterministic pseudo-random unit vector (xorshift), so failures reproduce. */
export function unitVector(dims: number, seed: number): Float32Array {
  let s = seed * 2654435761 + 1;
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    v[i] = ((s >>> 0) / 4294967296) * 2 - 1;
    norm += v[i]! * v[i]!;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i]! *= inv;
  return v;
}
