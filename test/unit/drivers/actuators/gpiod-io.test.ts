import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DigitalEdge } from '../../../../drivers/io/digital-io.js';
import {
  classifyGpiodError,
  gpiogetArgs,
  gpiomonArgs,
  gpiosetArgs,
  parseGpiodMajorVersion,
  parseGpiogetOutput,
  parseGpiomonLine,
} from '../../../../drivers/io/gpiod-cli.js';
import { GpiodIo } from '../../../../drivers/io/gpiod-io.js';
import { gpiodIoConfigSchema } from '../../../../drivers/io/gpiod-io.config.js';
import { systemClock } from '../../../../src/util/clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

/** This test process's direct children, with their command lines (Linux /proc). */
function childPids(): Array<{ pid: number; cmdline: string }> {
  const out: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) out.push({ pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
const FAKE_TOOL = join(import.meta.dirname, 'support', 'fake-gpiod.mjs');

describe('gpiod v1 command lines and parsing', () => {
  it('builds the exact argument lists', () => {
    expect(gpiomonArgs('gpiochip0', [5, 6])).toEqual(['-b', '--format=%o %e %s.%n', 'gpiochip0', '5', '6']);
    expect(gpiogetArgs('gpiochip1', [7])).toEqual(['gpiochip1', '7']);
    expect(gpiosetArgs('gpiochip0', 17, 1)).toEqual(['--mode=wait', 'gpiochip0', '17=1']);
  });

  it('parses gpiomon lines, gpioget output and the version banner; rejects the rest', () => {
    expect(parseGpiomonLine('5 1 1234.000056789')).toEqual({ offset: 5, level: 1, timestamp: 1234.000056789 });
    expect(parseGpiomonLine('12 0 7.5\r')).toEqual({ offset: 12, level: 0, timestamp: 7.000000005 });
    for (const junk of ['', 'event:  RISING EDGE offset: 5', '5 2 1.1', 'x 1 1.1']) expect(parseGpiomonLine(junk)).toBeNull();
    expect(parseGpiogetOutput('1 0 1\n', 3)).toEqual([1, 0, 1]);
    expect(() => parseGpiogetOutput('1 0\n', 3)).toThrow("unexpected gpioget output '1 0' (wanted 3 values of 0/1)");
    expect(parseGpiodMajorVersion('gpioset (libgpiod) v1.6.3\nCopyright')).toBe(1);
    expect(parseGpiodMajorVersion('gpioset (libgpiod) v2.1.3')).toBe(2);
    expect(parseGpiodMajorVersion('bash: gpioset: not found')).toBeNull();
    expect(classifyGpiodError('gpioget: unable to access GPIO chip: No such file or directory')).toBe('ENOENT');
    expect(classifyGpiodError('gpioset: error setting the GPIO line values: Device or resource busy')).toBe('EBUSY');
    expect(classifyGpiodError('gpioset: unable to open chip: Permission denied')).toBe('EACCES');
  });
});

describe('GpiodIo with the tools as child processes (fake tools, real processes)', () => {
  let dir: string;
  let tools: { gpioset: string; gpiomon: string; gpioget: string };
  const calls = (): string[][] => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
  const level = (offset: number): string => readFileSync(join(dir, 'gpiochip0', String(offset)), 'utf8');
  const setLevel = (offset: number, value: 0 | 1): void => writeFileSync(join(dir, 'gpiochip0', String(offset)), String(value));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lane-gpiod-'));
    mkdirSync(join(dir, 'gpiochip0'));
    writeFileSync(join(dir, 'calls.log'), '');
    const wrapper = (tool: string, version = '1.6.3'): string => {
      const path = join(dir, tool);
      writeFileSync(path, `#!/bin/sh\nFAKE_GPIOD_DIR='${dir}' FAKE_GPIOD_VERSION='${version}' exec '${process.execPath}' '${FAKE_TOOL}' ${tool} "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    };
    tools = { gpioset: wrapper('gpioset'), gpiomon: wrapper('gpiomon'), gpioget: wrapper('gpioget') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function make(chip = 'gpiochip0'): GpiodIo {
    const config = gpiodIoConfigSchema.parse({
      type: 'gpiod-io',
      name: 'gate-gpio',
      chip,
      tools,
      lines: [
        { name: 'loop-a', offset: 5, direction: 'in', debounceMs: 20 },
        { name: 'beam', offset: 6, direction: 'in', activeLow: true },
        { name: 'open', offset: 17, direction: 'out' },
        { name: 'lock', offset: 18, direction: 'out', activeLow: true, initial: true },
      ],
    });
    return new GpiodIo(config, { clock: systemClock, log });
  }

  it('reads inputs at open, follows edges through gpiomon, holds outputs with gpioset, stops every child', async () => {
    const leaks = trackHandles();
    setLevel(5, 1);
    setLevel(6, 1); // beam active-low: level 1 = clear
    const io = make();
    const edges: DigitalEdge[] = [];
    io.on('edge', (e) => void edges.push(e));
    await io.open();
    expect(await io.read('loop-a')).toBe(true);
    expect(await io.read('beam')).toBe(false);
    // write() resolves once gpioset runs; the tool sets the level a moment later.
    await vi.waitFor(() => expect([level(17), level(18)]).toEqual(['0', '0']), { timeout: 5_000 }); // lock: true, active-low -> 0

    await vi.waitFor(() => readFileSync(join(dir, 'gpiomon.ready')), { timeout: 5_000 });
    setLevel(6, 0);
    await vi.waitFor(() => expect(edges).toEqual([expect.objectContaining({ line: 'beam', value: true })]), { timeout: 5_000 });
    await io.write('open', true);
    await vi.waitFor(() => expect(level(17)).toBe('1'), { timeout: 5_000 });
    await io.write('open', false);
    await vi.waitFor(() => expect(level(17)).toBe('0'), { timeout: 5_000 });

    const log = calls();
    expect(log).toContainEqual(['gpioset', '--version']);
    expect(log).toContainEqual(['gpioget', 'gpiochip0', '5', '6']);
    expect(log).toContainEqual(['gpiomon', '-b', '--format=%o %e %s.%n', 'gpiochip0', '5', '6']);
    expect(log).toContainEqual(['gpioset', '--mode=wait', 'gpiochip0', '18=0']);
    expect(log.filter((c) => c[0] === 'gpioset' && c[3]?.startsWith('17='))).toEqual([
      ['gpioset', '--mode=wait', 'gpiochip0', '17=0'],
      ['gpioset', '--mode=wait', 'gpiochip0', '17=1'],
      ['gpioset', '--mode=wait', 'gpiochip0', '17=0'],
    ]);
    expect(io.counters()).toMatchObject({ opens: 1, writes: 2, edges: 1, garbage: 0, toolExits: 0 });
    await io.close();
    await leaks.assertNoneLeft({ settleMs: 3_000 });
  });

  it('a gpioset that dies is reported as down (the supervisor then reconnects)', async () => {
    const io = make();
    await io.open();
    const down = new Promise<string>((resolve) => io.once('down', resolve));
    // Kill exactly our own child by its pid (found under /proc), as a crashing tool would die.
    const pid = await vi.waitFor(() => {
      const found = childPids().find((p) => p.cmdline.includes('17=0'));
      if (!found) throw new Error('gpioset child not found yet');
      return found.pid;
    }, { timeout: 5_000 });
    process.kill(pid, 'SIGKILL');
    expect(await down).toMatch(/^gpioset for line 'open' exited/);
    await expect(io.write('open', true)).rejects.toThrow('gate-gpio: device is not open');
    await io.close();
  });

  it('a missing chip, missing tools or v2 tools fail open with a clear reason', async () => {
    await expect(make('gpiochip9').open()).rejects.toThrow(/^ENOENT: .*gpioget: unable to access GPIO chip: No such file or directory \(\/dev\/gpiochip9\)$/);
    tools.gpioset = join(dir, 'no-such-gpioset');
    await expect(make().open()).rejects.toThrow(/^ENOENT: cannot run .*no-such-gpioset: ENOENT/);
    const v2 = join(dir, 'gpioset-v2');
    writeFileSync(v2, `#!/bin/sh\nFAKE_GPIOD_DIR='${dir}' FAKE_GPIOD_VERSION='2.1.3' exec '${process.execPath}' '${FAKE_TOOL}' gpioset "$@"\n`);
    chmodSync(v2, 0o755);
    tools.gpioset = v2;
    await expect(make().open()).rejects.toThrow(/^EGPIODVERSION: need libgpiod v1 tools/);
  });

  it('config: duplicate offsets and bad chip names are reported with their path', () => {
    const result = gpiodIoConfigSchema.safeParse({
      type: 'gpiod-io',
      name: 'gate-gpio',
      chip: 'chip zero',
      lines: [
        { name: 'a', offset: 1, direction: 'in' },
        { name: 'b', offset: 1, direction: 'out' },
      ],
    });
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toContain('chip: must be a chip name like gpiochip0, its number, or /dev/gpiochipN');
    expect(issues).toContain("lines.1.offset: duplicate line offset '1' (also used by lines[0])");
  });
});
