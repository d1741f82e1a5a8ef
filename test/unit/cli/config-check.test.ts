import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../control/harness.js';
import { lanectl } from './io.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const VALID = `lane:
  id: gate-3
  site: mongcai
  kind: people
  direction: entry
mqtt:
  enabled: false
devices: []
`;

describe('lanectl config check (local, no daemon)', () => {
  it('accepts a valid file with a one-line summary and exit 0', async () => {
    await writeFile(join(dir, 'lane.yaml'), VALID);
    const run = await lanectl(['config', 'check', 'lane.yaml'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('lane.yaml: OK (lane gate-3 at mongcai, people entry, 0 devices)\n');
  });

  it('prints every issue as path: message and exits 78', async () => {
    const broken = VALID.replace('id: gate-3', 'id: Gate 3!').replace('kind: people', 'kind: bicycle').concat('colour: blue\n');
    await writeFile(join(dir, 'bad.yaml'), broken);
    const run = await lanectl(['config', 'check', join(dir, 'bad.yaml')], { cwd: '/' });
    expect(run.code).toBe(78);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/bad\.yaml: 3 problems$/);
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual(expect.arrayContaining(['lane.id', 'lane.kind']));
    expect(run.stdout).toContain('colour');
  });

  it('reports a missing file as a config problem (78), not a crash', async () => {
    const run = await lanectl(['config', 'check', 'nope.yaml'], { cwd: dir });
    expect(run.code).toBe(78);
    expect(run.stdout).toContain(`config file ${join(dir, 'nope.yaml')} does not exist`);
  });

  it('with --json ends with one object listing the issues', async () => {
    await writeFile(join(dir, 'bad.yaml'), 'lane: [1, 2\n');
    const bad = await lanectl(['--json', 'config', 'check', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(78);
    const json = bad.lastJson();
    expect(json).toMatchObject({ ok: false, error: { code: 'config_invalid' } });
    expect((json.issues as unknown[]).length).toBeGreaterThan(0);

    await writeFile(join(dir, 'good.yaml'), VALID);
    const good = await lanectl(['config', 'check', 'good.yaml', '--json'], { cwd: dir });
    expect(good.code).toBe(0);
    expect(good.lastJson()).toMatchObject({ ok: true, lane: 'gate-3', devices: 0, file: join(dir, 'good.yaml') });
  });

  it('needs exactly one FILE (usage error, exit 2)', async () => {
    expect((await lanectl(['config', 'check'], { cwd: dir })).code).toBe(2);
    expect((await lanectl(['config', 'check', 'a', 'b'], { cwd: dir })).code).toBe(2);
  });
});
