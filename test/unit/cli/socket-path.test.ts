import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSocketPath } from '../../../src/cli/socket-path.js';
import { tempDir } from '../control/harness.js';

let dir: string;
let cleanup: () => Promise<void>;
let runDir: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  runDir = join(dir, 'run');
  await mkdir(runDir);
});
afterEach(async () => {
  await cleanup();
});

describe('resolveSocketPath order', () => {
  it('--socket, then $LANECTL_SOCKET, then --lane, then ./var/lanectl.sock, then the only lane', async () => {
    await mkdir(join(dir, 'var'));
    await writeFile(join(dir, 'var', 'lanectl.sock'), '');
    await writeFile(join(runDir, 'only.sock'), '');
    const env = { LANECTL_SOCKET: 'env.sock' };
    const base = { cwd: dir, runDir };
    expect(resolveSocketPath({ ...base, env, socket: 'opt.sock', lane: 'l1' })).toEqual({ ok: true, path: join(dir, 'opt.sock'), source: 'option' });
    expect(resolveSocketPath({ ...base, env, lane: 'l1' })).toEqual({ ok: true, path: join(dir, 'env.sock'), source: 'env' });
    expect(resolveSocketPath({ ...base, env: {}, lane: 'l1' })).toEqual({ ok: true, path: join(runDir, 'l1.sock'), source: 'lane' });
    expect(resolveSocketPath({ ...base, env: {} })).toEqual({ ok: true, path: join(dir, 'var', 'lanectl.sock'), source: 'demo' });
    expect(resolveSocketPath({ cwd: join(dir, 'var'), runDir, env: {} })).toEqual({ ok: true, path: join(runDir, 'only.sock'), source: 'only-lane' });
  });

  it('asks to choose among several lanes and reports when there is none', async () => {
    expect(resolveSocketPath({ cwd: dir, runDir, env: {} })).toMatchObject({ ok: false, usage: false });
    await writeFile(join(runDir, 'a.sock'), '');
    await writeFile(join(runDir, 'b.sock'), '');
    await writeFile(join(runDir, 'notes.txt'), '');
    expect(resolveSocketPath({ cwd: dir, runDir, env: {} })).toEqual({
      ok: false,
      usage: true,
      message: 'several lanes run here (a, b); pick one with --lane ID',
    });
  });

  it('finds the two-lane demo: the only lane socket in ./var/demo, or the list of them to choose from', async () => {
    const demoDir = join(dir, 'var', 'demo');
    await mkdir(demoDir, { recursive: true });
    await writeFile(join(runDir, 'other.sock'), '');
    // The orchestrator's own socket is not a lane: with one lane beside it, that lane is the answer.
    await writeFile(join(demoDir, 'demo.sock'), '');
    await writeFile(join(demoDir, 'people.sock'), '');
    await writeFile(join(demoDir, 'people.yaml'), '');
    expect(resolveSocketPath({ cwd: dir, runDir, env: {} })).toEqual({ ok: true, path: join(demoDir, 'people.sock'), source: 'demo-lane' });
    await writeFile(join(demoDir, 'vehicle.sock'), '');
    expect(resolveSocketPath({ cwd: dir, runDir, env: {} })).toEqual({
      ok: false,
      usage: true,
      message: 'several demo lanes run here (var/demo/people.sock, var/demo/vehicle.sock); pick one with --socket, e.g. --socket var/demo/people.sock',
    });
    // An explicit choice still wins.
    expect(resolveSocketPath({ cwd: dir, runDir, env: {}, socket: 'var/demo/vehicle.sock' })).toEqual({ ok: true, path: join(demoDir, 'vehicle.sock'), source: 'option' });
  });

  it('refuses lane ids that would escape the run dir', () => {
    for (const lane of ['../x', 'a/b', '', '.hidden']) {
      expect(resolveSocketPath({ cwd: dir, runDir, env: {}, lane })).toMatchObject({ ok: false, usage: true });
    }
  });
});
