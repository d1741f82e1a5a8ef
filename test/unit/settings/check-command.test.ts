import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConfigFile, EX_CONFIG, loadConfigFile } from '../../../src/settings/index.js';
import { LANE_HEADER, makeTempDir } from './helpers.js';

describe('config check (lanectl config check FILE)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('lane-check'));
  });
  afterEach(() => cleanup());

  it('exits 0 with a summary for a valid file, listing environment overrides', () => {
    const path = join(dir, 'lane.yaml');
    writeFileSync(path, LANE_HEADER);
    expect(checkConfigFile(path, { env: { LANE__LOG__LEVEL: 'debug' }, cwd: dir })).toEqual({
      exitCode: 0,
      lines: [`${path}: OK (lane test-lane at testsite, people entry, 0 devices)`, '  override: log.level from LANE__LOG__LEVEL'],
    });
  });

  it('exits 78 (EX_CONFIG) listing every problem with its line', () => {
    const path = join(dir, 'lane.yaml');
    writeFileSync(path, `${LANE_HEADER}log:\n  levl: debug\nwatchdog:\n  maxEventLoopLagMs: -1\n`);
    expect(EX_CONFIG).toBe(78);
    expect(checkConfigFile(path, { env: {}, cwd: dir })).toEqual({
      exitCode: 78,
      lines: [
        `${path}: 2 problems`,
        "  log.levl: unknown key 'levl'; did you mean 'level'? (line 7)",
        '  watchdog.maxEventLoopLagMs: Too small: expected number to be >=10 (line 9)',
      ],
    });
  });

  it('explains a missing file or a directory instead of throwing', () => {
    expect(checkConfigFile(join(dir, 'nope.yaml'), { env: {}, cwd: dir }).lines).toEqual([
      `${join(dir, 'nope.yaml')}: 1 problem`,
      `  (root): config file ${join(dir, 'nope.yaml')} does not exist`,
    ]);
    const result = loadConfigFile(dir, { env: {}, cwd: dir });
    expect(!result.ok && result.issues[0]?.message).toBe(`${dir} is a directory, not a config file`);
  });

  it('returns the raw text and absolute source path for the last-good copy', () => {
    writeFileSync(join(dir, 'lane.yaml'), LANE_HEADER);
    const result = loadConfigFile('lane.yaml', { env: {}, cwd: dir });
    expect(result.ok && { sourcePath: result.sourcePath, rawText: result.rawText }).toEqual({
      sourcePath: join(dir, 'lane.yaml'),
      rawText: LANE_HEADER,
    });
  });
});
