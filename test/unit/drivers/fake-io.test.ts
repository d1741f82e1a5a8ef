import { describe, expect, it } from 'vitest';
import { DigitalIoError, type DigitalEdge } from '../../../drivers/io/digital-io.js';
import { FakeIo } from '../../../drivers/io/fake-io.js';
import { fakeIoConfigSchema } from '../../../drivers/io/fake-io.config.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { trackHandles } from '../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

function make(clock: FakeClock, debounceMs = 0): FakeIo {
  const config = fakeIoConfigSchema.parse({
    type: 'fake-io',
    name: 'lane-io',
    lines: [
      { name: 'loop', direction: 'in' },
      { name: 'beam', direction: 'in', activeLow: true },
      { name: 'occupied-at-boot', direction: 'in', initial: true },
      { name: 'barrier', direction: 'out' },
      { name: 'lamp', direction: 'out', activeLow: true, initial: true },
    ],
  });
  return new FakeIo(config, { clock, log, debounceMs });
}

function edges(io: FakeIo): DigitalEdge[] {
  const out: DigitalEdge[] = [];
  io.on('edge', (e) => void out.push(e));
  return out;
}

describe('FakeIo', () => {
  it('lists its lines with direction, wiring and debounce', () => {
    const io = make(new FakeClock(), 30);
    expect(io.kind).toBe('io');
    expect(io.lines()).toEqual([
      { name: 'loop', direction: 'in', activeLow: false, debounceMs: 30 },
      { name: 'beam', direction: 'in', activeLow: true, debounceMs: 30 },
      { name: 'occupied-at-boot', direction: 'in', activeLow: false, debounceMs: 30 },
      { name: 'barrier', direction: 'out', activeLow: false, debounceMs: 0 },
      { name: 'lamp', direction: 'out', activeLow: true, debounceMs: 0 },
    ]);
  });

  it('reads initial values; outputs start as configured (default de-energised)', async () => {
    const io = make(new FakeClock());
    await io.open();
    expect(await io.read('loop')).toBe(false);
    expect(await io.read('occupied-at-boot')).toBe(true);
    expect(await io.read('barrier')).toBe(false);
    expect(io.level('barrier')).toBe(0);
    expect(await io.read('lamp')).toBe(true);
    expect(io.level('lamp')).toBe(0); // active-low: logical on is electrical 0
  });

  it('active-low: logical values are inverted to and from electrical levels', async () => {
    const io = make(new FakeClock());
    const seen = edges(io);
    await io.open();
    io.simulateLevel('beam', 0); // beam wired active-low: level 0 means interrupted
    expect(await io.read('beam')).toBe(true);
    io.simulateInput('beam', false);
    expect(io.level('beam')).toBe(1);
    await io.write('lamp', false);
    expect(io.level('lamp')).toBe(1);
    expect(seen.map((e) => [e.line, e.value])).toEqual([
      ['beam', true],
      ['beam', false],
    ]);
  });

  it('debounce: bounces inside the window give one edge, at the end of the window', async () => {
    const clock = new FakeClock(1_000);
    const io = make(clock, 20);
    const seen = edges(io);
    await io.open();
    io.simulateInput('loop', true);
    clock.advance(5);
    io.simulateInput('loop', false);
    clock.advance(5);
    io.simulateInput('loop', true);
    clock.advance(19);
    expect(seen).toEqual([]);
    expect(await io.read('loop')).toBe(false);
    clock.advance(1);
    expect(seen).toEqual([{ line: 'loop', value: true, at: 1_030 }]);
    expect(await io.read('loop')).toBe(true);
    // A glitch that returns to the stable value before the window ends is no edge at all.
    io.simulateInput('loop', false);
    clock.advance(10);
    io.simulateInput('loop', true);
    clock.advance(100);
    expect(seen).toHaveLength(1);
    expect(io.counters().edges).toBe(1);
  });

  it('bad requests are refused with a clear reason, never a crash', async () => {
    const io = make(new FakeClock());
    await expect(io.read('loop')).rejects.toThrow('lane-io: device is not open');
    await io.open();
    await expect(io.write('loop', true)).rejects.toThrow("line 'loop' is an input and cannot be written");
    await expect(io.read('gate')).rejects.toThrow("unknown line 'gate' (known: loop, beam, occupied-at-boot, barrier, lamp)");
    expect(() => io.simulateInput('barrier', true)).toThrow("line 'barrier' is an output");
    const err = await io.write('nope', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DigitalIoError);
    expect((err as DigitalIoError).code).toBe('UNKNOWN_LINE');
  });

  it('while closed, input changes are held and read at the next open without an edge', async () => {
    const io = make(new FakeClock());
    const seen = edges(io);
    io.simulateInput('loop', true);
    await io.open();
    expect(await io.read('loop')).toBe(true);
    expect(seen).toEqual([]);
  });

  it('a disconnect drops outputs and emits down; configure() restores what was commanded', async () => {
    const io = make(new FakeClock());
    const downs: string[] = [];
    io.on('down', (r) => void downs.push(r));
    await io.open();
    await io.write('barrier', true);
    io.simulateDisconnect('bus reset');
    expect(downs).toEqual(['bus reset']);
    expect(io.level('barrier')).toBe(0);
    await expect(io.write('barrier', false)).rejects.toThrow('not open');
    await io.open();
    await io.configure();
    expect(io.level('barrier')).toBe(1);
  });

  it('failNextOpens makes open() fail with the given reason', async () => {
    const io = make(new FakeClock());
    io.failNextOpens(1, 'no such gpiochip');
    await expect(io.open()).rejects.toThrow('EFAKE: no such gpiochip');
    await expect(io.open()).resolves.toBeUndefined();
  });

  it('close() cancels pending debounce timers and leaves no handle', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const io = make(clock, 50);
    await io.open();
    io.simulateInput('loop', true);
    expect(clock.pendingTimers()).toBe(1);
    await io.close();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });
});
