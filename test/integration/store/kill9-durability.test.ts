import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SITE_KEY, tempDir, type TempDir } from '../../unit/store/store-fixtures.js';
import { reopenAndCheck } from './kill9-reopen.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CHILD = join(import.meta.dirname, 'append-passages.child.mjs');

/**
 * Runs the child until it has acknowledged at least `minAcks` passages, then SIGKILLs it
 * mid-stream. Returns every acknowledged (seq, hash) the parent received.
 */
function appendThenKill(
  dataDir: string,
  minAcks: number,
  mode: 'single' | 'grouped' = 'single',
): Promise<{ acks: Map<number, string>; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dataDir, 'FULL', mode], {
      env: { ...process.env, LANE_TEST_SITE_KEY: SITE_KEY.toString('hex') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks = new Map<number, string>();
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^ack (\d+) ([0-9a-f]{64})( \d+ \d+)?$/.exec(line);
        if (m) acks.set(Number(m[1]), m[2]!);
      }
      if (!killed && acks.size >= minAcks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!killed) reject(new Error(`child exited on its own (code ${code}): ${stderr}`));
      else resolve({ acks, signal });
    });
  });
}

describe('durability: kill -9 while appending', () => {
  let dir: TempDir;
  afterEach(() => dir?.cleanup());

  it('keeps every acknowledged passage, with a valid chain, across repeated SIGKILLs', async () => {
    expect(existsSync(join(ROOT, 'dist', 'src', 'store', 'index.js')), 'compiled build missing (test/helpers/build-once.ts)').toBe(true);
    dir = tempDir('lane-kill9-');
    const all = new Map<number, string>();
    for (let round = 0; round < 3; round++) {
      const { acks, signal } = await appendThenKill(dir.path, 150 + round * 50);
      expect(signal).toBe('SIGKILL');
      for (const [seq, hash] of acks) all.set(seq, hash);

      await reopenAndCheck(dir.path, all);
    }
    expect(all.size).toBeGreaterThanOrEqual(150 + 200 + 250);
  }, 120_000);

  it('group commit: 32 concurrent producers, SIGKILL mid-batch, no acknowledged passage lost, order kept', async () => {
    expect(existsSync(join(ROOT, 'dist', 'src', 'store', 'index.js')), 'compiled build missing (test/helpers/build-once.ts)').toBe(true);
    dir = tempDir('lane-kill9-group-');
    const all = new Map<number, string>();
    for (let round = 0; round < 3; round++) {
      const { acks, signal } = await appendThenKill(dir.path, 400 + round * 300, 'grouped');
      expect(signal).toBe('SIGKILL');
      for (const [seq, hash] of acks) all.set(seq, hash);

      await reopenAndCheck(dir.path, all, (rows) => {
        // Call order: within each run, a producer's k-th passage comes after its (k-1)-th.
        const lastK = new Map<string, number>();
        for (const r of rows) {
          const e = (JSON.parse(r.content) as { evidence: { p?: number; k?: number } }).evidence;
          if (e.p === undefined || e.k === undefined) continue;
          const key = String(e.p);
          if (e.k === 0) lastK.set(key, -1); // a new run of the child starts its counters again
          expect(e.k, `producer ${e.p} at seq ${r.seq}`).toBe((lastK.get(key) ?? -1) + 1);
          lastK.set(key, e.k);
        }
      });
    }
    expect(all.size).toBeGreaterThanOrEqual(400 + 700 + 1000);
  }, 120_000);
});
