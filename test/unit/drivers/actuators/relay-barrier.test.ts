import { describe, expect, it } from 'vitest';
import { BarrierCommandError, type BarrierPosition } from '../../../../drivers/barrier/barrier.js';
import { RelayBarrier } from '../../../../drivers/barrier/relay-barrier.js';
import { relayBarrierConfigSchema } from '../../../../drivers/barrier/relay-barrier.config.js';
import type { FakeIo } from '../../../../drivers/io/fake-io.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

function make(clock: FakeClock, extra: Array<Record<string, unknown>> = [], role = 'vehicle-barrier') {
  const config = relayBarrierConfigSchema.parse({
    type: 'relay-barrier',
    name: 'exit-boom',
    role,
    pulseMs: 300,
    travelTimeoutMs: 4_000,
    safety: ['loop-a', 'beam'],
    io: {
      backend: 'fake',
      lines: [
        { name: 'open', direction: 'out' },
        { name: 'close', direction: 'out' },
        { name: 'stop', direction: 'out' },
        { name: 'hold-open', direction: 'out' },
        { name: 'opened', direction: 'in' },
        { name: 'closed', direction: 'in', initial: true },
        { name: 'loop-a', direction: 'in', debounceMs: 50 },
        { name: 'beam', direction: 'in', activeLow: true, initial: false },
        ...extra,
      ],
    },
  });
  const barrier = new RelayBarrier(config, { clock, log });
  const io = barrier.io as FakeIo;
  const positions: BarrierPosition[] = [];
  barrier.on('position', (p) => void positions.push(p.position));
  /** Electrical levels of the motion relays, sampled on every write (OPEN and CLOSE must never overlap). */
  const overlaps: string[] = [];
  const write = io.write.bind(io);
  io.write = async (line, value) => {
    await write(line, value);
    if (io.level('open') === 1 && io.level('close') === 1) overlaps.push(`${line}=${value}`);
  };
  return { barrier, io, positions, overlaps };
}

describe('RelayBarrier', () => {
  it('OPEN is a pulse of pulseMs; the opened limit ends the travel; CLOSE the same way down', async () => {
    const clock = new FakeClock();
    const { barrier, io, positions, overlaps } = make(clock);
    await barrier.open();
    expect(barrier.snapshot().position).toBe('closed');
    await barrier.command('open');
    expect(io.level('open')).toBe(1);
    clock.advance(299);
    expect(io.level('open')).toBe(1);
    clock.advance(1);
    expect(io.level('open')).toBe(0);
    io.simulateInput('closed', false);
    io.simulateInput('opened', true);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(barrier.snapshot().position).toBe('opened');
    await barrier.command('close');
    expect(io.level('close')).toBe(1);
    io.simulateInput('opened', false);
    io.simulateInput('closed', true);
    await new Promise((r) => setImmediate(r));
    expect(positions).toEqual(['opening', 'opened', 'closing', 'closed']);
    expect(overlaps).toEqual([]);
    expect(barrier.snapshot().faults).toEqual({});
    await barrier.close();
  });

  it('refuses CLOSE while a safety input is active (active-low beam included)', async () => {
    const clock = new FakeClock();
    const { barrier, io } = make(clock);
    await barrier.open();
    io.simulateLevel('beam', 0); // interrupted beam, wired active-low
    const err = await barrier.command('close').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BarrierCommandError);
    expect((err as Error).message).toBe('exit-boom: close refused: PRESENCE: safety input(s) active: beam');
    expect(io.level('close')).toBe(0);
    await expect(barrier.command('release-hold')).rejects.toThrow(/PRESENCE/);
    await barrier.close();
  });

  it('a loop going active while closing reopens at once (reflex under the lane interlocks)', async () => {
    const clock = new FakeClock();
    const { barrier, io, positions, overlaps } = make(clock);
    await barrier.open();
    await barrier.command('close');
    clock.advance(100);
    io.simulateInput('loop-a', true);
    clock.advance(49);
    expect(io.level('open')).toBe(0); // still inside the 50 ms debounce
    clock.advance(1);
    await new Promise((r) => setImmediate(r));
    expect(io.level('close')).toBe(0);
    expect(io.level('open')).toBe(1);
    expect(positions).toEqual(['closing', 'opening']);
    expect(barrier.counters().reflexReopens).toBe(1);
    expect(overlaps).toEqual([]);
    await barrier.close();
  });

  it('a limit not reached in time is a travel-timeout fault, cleared when the limit comes', async () => {
    const clock = new FakeClock();
    const { barrier, io } = make(clock);
    const faults: Array<[string, boolean]> = [];
    barrier.on('fault', (f) => void faults.push([f.code, f.active]));
    await barrier.open();
    await barrier.command('open');
    clock.advance(4_000);
    expect(barrier.snapshot().faults).toEqual({ 'travel-timeout': "'opened' limit not reached within 4000 ms" });
    io.simulateInput('closed', false);
    io.simulateInput('opened', true);
    await new Promise((r) => setImmediate(r));
    expect(faults).toEqual([
      ['travel-timeout', true],
      ['travel-timeout', false],
    ]);
    await barrier.close();
  });

  it('HOLD-OPEN is a held level; STOP is a pulse; both limits at once is a fault', async () => {
    const clock = new FakeClock();
    const { barrier, io } = make(clock);
    await barrier.open();
    await barrier.command('hold-open');
    clock.advance(10_000);
    expect(io.level('hold-open')).toBe(1);
    expect(barrier.snapshot().holdOpen).toBe(true);
    await barrier.command('release-hold');
    expect(io.level('hold-open')).toBe(0);
    // Released, the door goes back to its normal state: closed (the CLOSE pulse of a motorised door).
    expect(io.level('close')).toBe(1);
    await barrier.command('stop');
    expect(io.level('stop')).toBe(1);
    clock.advance(300);
    expect(io.level('stop')).toBe(0);
    expect(barrier.snapshot().position).toBe('stopped');
    io.simulateInput('opened', true); // closed is still active
    await new Promise((r) => setImmediate(r));
    expect(barrier.snapshot().faults['limit-conflict']).toBe("'opened' and 'closed' limits both active");
    await barrier.close();
  });

  it('egress door with a lock line: opening unlocks, reaching closed locks; a dead controller leaves it unlocked', async () => {
    const clock = new FakeClock();
    const { barrier, io } = make(clock, [{ name: 'lock', direction: 'out', initial: true }], 'egress-door');
    await barrier.open();
    expect(io.level('lock')).toBe(1);
    await barrier.command('open');
    expect(io.level('lock')).toBe(0);
    io.simulateInput('closed', false);
    io.simulateInput('opened', true);
    await barrier.command('close');
    io.simulateInput('opened', false);
    io.simulateInput('closed', true);
    await new Promise((r) => setImmediate(r));
    expect(io.level('lock')).toBe(1);
    io.simulateDisconnect('controller lost'); // relays drop: lock de-energised = unlocked
    expect(io.level('lock')).toBe(0);
    await barrier.close();
  });

  it('under the supervisor: an IO loss is a reconnect; commands while down are refused, never queued', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const { barrier, io } = make(clock);
    const device = new DeviceSupervisor(barrier, { clock, log, backoff: { initialMs: 100, maxMs: 100, jitter: 0 } });
    await device.start();
    expect(device.health().state).toBe('ok');
    io.simulateDisconnect('usb relay board unplugged');
    await new Promise((r) => setImmediate(r));
    expect(device.health()).toMatchObject({ state: 'failed', lastError: 'io down: usb relay board unplugged' });
    await expect(barrier.command('open')).rejects.toThrow('exit-boom: open refused: NOT_CONNECTED: io not connected');
    clock.advance(100);
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
    expect(device.health()).toMatchObject({ state: 'ok', reconnects: 1 });
    expect(io.level('open')).toBe(0); // the refused open was not replayed
    await device.stop();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });

  it('config: missing or misdirected lines are reported, all at once', () => {
    const result = relayBarrierConfigSchema.safeParse({
      type: 'relay-barrier',
      name: 'exit-boom',
      role: 'vehicle-barrier',
      safety: ['loop-z', 'open'],
      io: { backend: 'fake', lines: [{ name: 'open', direction: 'out' }, { name: 'closed', direction: 'out' }] },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      "io.lines: relay-barrier needs an output line named 'close'",
      "io.lines: line 'closed' must be an input (direction: in)",
      "safety.0: relay-barrier needs an input line named 'loop-z'",
      "safety.1: line 'open' must be an input (direction: in)",
    ]);
  });
});
