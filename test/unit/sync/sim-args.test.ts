import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimArgs, SimUsageError } from '../../../src/sync/central-sim/sim-args.js';
import { readSimListsFile } from '../../../src/sync/central-sim/sim-lists-file.js';

const base = ['--url', 'mqtt://127.0.0.1:1883', '--site', 'mongcai'];

describe('central-sim command line', () => {
  it('listens by default with sensible defaults', () => {
    expect(parseSimArgs(base)).toMatchObject({ url: 'mqtt://127.0.0.1:1883', site: 'mongcai', prefix: 'bg/v1', protocol: 5, chunkRows: 5000, json: false, listen: false });
  });

  it('takes a command with JSON args and a key', () => {
    const a = parseSimArgs([...base, '--key', 'k.pem', '--command', 'set-mode', '--lane', 'p-entry-03', '--args', '{"mode":"locked"}', '--ttl', '60', '--protocol', '4']);
    expect(a).toMatchObject({ protocol: 4, keyFile: 'k.pem', command: { name: 'set-mode', lane: 'p-entry-03', args: { mode: 'locked' }, ttlSeconds: 60 } });
  });

  it('refuses what cannot work, with the reason', () => {
    const bad: [string[], RegExp][] = [
      [['--site', 'x'], /--url is required/],
      [['--url', 'mqtt://h'], /--site is required/],
      [[...base, '--command', 'open', '--lane', 'l'], /needs --key/],
      [[...base, '--key', 'k', '--command', 'open'], /needs --lane/],
      [[...base, '--key', 'k', '--command', 'open', '--lane', 'l', '--args', '[1]'], /JSON object/],
      [[...base, '--key', 'k', '--command', 'open', '--lane', 'l', '--args', '{'], /JSON object/],
      [[...base, '--publish-deltas'], /need --lists and --key/],
      [[...base, '--protocol', '3'], /5 or 4/],
      [[...base, '--chunk-rows', '0'], /positive/],
      [[...base, '--bogus'], /unknown option --bogus/],
      [[...base, '--site'], /needs a value/],
    ];
    for (const [argv, message] of bad) expect(() => parseSimArgs(argv), argv.join(' ')).toThrow(message);
    expect(() => parseSimArgs(['--url'])).toThrow(SimUsageError);
  });

  it('reads a lists file and says what is wrong with a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-sim-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ lists: { vehicles: { version: 3, rows: [{ vehicleId: 'v' }] } }, deltas: [{ list: 'vehicles', fromVersion: 3, toVersion: 4, upserts: [] }] }));
      expect(readSimListsFile(good)).toEqual({ lists: { vehicles: { version: 3, rows: [{ vehicleId: 'v' }] } }, deltas: [{ list: 'vehicles', fromVersion: 3, toVersion: 4, upserts: [], deletes: [] }] });
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ lists: { vehicles: { rows: [] } } }));
      expect(() => readSimListsFile(bad)).toThrow(/lists\.vehicles needs "version"/);
      writeFileSync(bad, '{');
      expect(() => readSimListsFile(bad)).toThrow(/cannot read lists file/);
      writeFileSync(bad, JSON.stringify({ deltas: [{ list: 'x' }] }));
      expect(() => readSimListsFile(bad)).toThrow(/deltas\[0\] needs/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
