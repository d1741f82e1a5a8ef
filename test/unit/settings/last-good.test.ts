import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastGoodPath, writeLastGood } from '../../../src/settings/index.js';
import { makeTempDir } from './helpers.js';

describe('last-good config copy', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('lane-last-good'));
  });
  afterEach(() => cleanup());

  it('lives beside the config', () => {
    expect(lastGoodPath('/etc/lane-controller/lane.yaml')).toBe('/etc/lane-controller/lane.yaml.last-good');
  });

  it('writes the text with mode 0640 whatever the umask, leaving no temp file', () => {
    const config = join(dir, 'lane.yaml');
    const previous = process.umask(0o077);
    try {
      writeLastGood(config, 'lane: {}\n');
    } finally {
      process.umask(previous);
    }
    expect(readFileSync(lastGoodPath(config), 'utf8')).toBe('lane: {}\n');
    expect(statSync(lastGoodPath(config)).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['lane.yaml.last-good']);
  });

  it('replaces the previous copy by rename, so a reader of the old copy never sees a mix', () => {
    const config = join(dir, 'lane.yaml');
    const oldText = `old: ${'o'.repeat(10_000)}\n`;
    writeLastGood(config, oldText);
    const inodeBefore = statSync(lastGoodPath(config)).ino;
    const reader = openSync(lastGoodPath(config), 'r');
    try {
      writeLastGood(config, 'new: 1\n');
      // The old file object is intact (a new inode took its name); an in-place rewrite would have truncated it.
      const buffer = Buffer.alloc(oldText.length);
      expect(readSync(reader, buffer, 0, buffer.length, 0)).toBe(oldText.length);
      expect(buffer.toString('utf8')).toBe(oldText);
    } finally {
      closeSync(reader);
    }
    expect(statSync(lastGoodPath(config)).ino).not.toBe(inodeBefore);
    expect(readFileSync(lastGoodPath(config), 'utf8')).toBe('new: 1\n');
    expect(readdirSync(dir)).toEqual(['lane.yaml.last-good']);
  });

  it('throws with the path when the directory is missing, leaving nothing behind', () => {
    const config = join(dir, 'missing', 'lane.yaml');
    expect(() => writeLastGood(config, 'x')).toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('cleans up the temp file when the rename fails', () => {
    const config = join(dir, 'lane.yaml');
    // A non-empty directory in place of the target makes rename() fail after the temp file was written.
    mkdirSync(lastGoodPath(config));
    writeFileSync(join(lastGoodPath(config), 'keep'), '');
    expect(() => writeLastGood(config, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['lane.yaml.last-good']);
  });
});
