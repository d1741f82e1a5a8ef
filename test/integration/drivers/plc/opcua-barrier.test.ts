import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BarrierPosition } from '../../../../drivers/barrier/barrier.js';
import { BarrierCommandError } from '../../../../drivers/barrier/barrier.js';
import { OpcuaBarrier } from '../../../../drivers/barrier/opcua-barrier.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { initialInterlockState, stepInterlock } from '../../../../src/lane/interlocks/index.js';
import { systemClock } from '../../../../src/util/clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { startPlcRig, type PlcRig } from './plc-rig.js';

const log = new LogHub({ level: 'silent' }).root;
const WAIT = { timeout: 15_000, interval: 20 };

function supervise(barrier: OpcuaBarrier): DeviceSupervisor<OpcuaBarrier> {
  return new DeviceSupervisor(barrier, { clock: systemClock, log, backoff: { initialMs: 100, maxMs: 400 }, watchIntervalMs: 100 });
}

/** Positions the driver reported through its subscription, in order. */
function positions(barrier: OpcuaBarrier): BarrierPosition[] {
  const seen: BarrierPosition[] = [];
  barrier.on('position', (p) => void seen.push(p.position));
  return seen;
}

describe('OPC UA barrier against the simulated PLC', () => {
  let rig: PlcRig;
  beforeAll(async () => {
    rig = await startPlcRig(300);
  }, 60_000);
  afterAll(async () => {
    await rig?.dispose();
  }, 30_000);

  it('open/close cycle observed through the subscription; heartbeat reaches the PLC; nothing left after stop', async () => {
    const leaks = trackHandles();
    const barrier = new OpcuaBarrier(rig.config(), { clock: systemClock, log });
    const seen = positions(barrier);
    const device = supervise(barrier);
    await device.start();
    expect(device.health().state).toBe('ok');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);

    await barrier.command('open');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('opened'), WAIT);
    await barrier.command('close');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);
    expect(seen).toEqual(['closed', 'opening', 'opened', 'closing', 'closed']);
    expect(rig.model.calls.open).toBe(1);
    expect(rig.model.calls.close).toBe(1);
    await vi.waitFor(() => expect(rig.model.snapshot().heartbeat).toBeGreaterThanOrEqual(2), WAIT);

    await device.stop();
    await leaks.assertNoneLeft({ settleMs: 3_000 });
  });

  it('loop occupancy arrives as presence; close is refused locally and never sent', async () => {
    const barrier = new OpcuaBarrier(rig.config(), { clock: systemClock, log });
    const device = supervise(barrier);
    await device.start();
    const closesBefore = rig.model.calls.close;
    rig.model.setLoop('loop-1', true);
    await vi.waitFor(() => expect(barrier.snapshot().presence).toEqual({ 'loop-1': true }), WAIT);
    const err = await barrier.command('close').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BarrierCommandError);
    expect((err as BarrierCommandError).code).toBe('PRESENCE');
    expect(rig.model.calls.close).toBe(closesBefore);
    rig.model.setLoop('loop-1', false);
    await vi.waitFor(() => expect(barrier.snapshot().presence).toEqual({ 'loop-1': false }), WAIT);
    await device.stop();
  });

  it('method failure -> command-failed fault -> the interlocks raise an alarm and stop granting', async () => {
    const barrier = new OpcuaBarrier(rig.config(), { clock: systemClock, log });
    const faults: Array<{ code: string; active: boolean }> = [];
    barrier.on('fault', (f) => void faults.push({ code: f.code, active: f.active }));
    const device = supervise(barrier);
    await device.start();
    rig.model.failNextCommands(1);
    const err = await barrier.command('open').catch((e: unknown) => e);
    expect((err as BarrierCommandError).code).toBe('COMMAND_FAILED');
    expect((err as Error).message).toMatch(/BadInternalError/);
    expect(barrier.snapshot().faults['command-failed']).toMatch(/open: BadInternalError/);

    // The lane runner turns the driver's fault into an interlock event:
    const lane = { barriers: [{ id: 'exit-boom', role: 'vehicle-barrier' as const, presence: ['loop-1'] }] };
    const step = stepInterlock(lane, initialInterlockState(lane), { type: 'device-fault', at: 1, device: 'exit-boom', reason: barrier.snapshot().faults['command-failed']! });
    expect(step.effects).toContainEqual({ type: 'alarm', code: 'device-fault', raised: true, detail: 'exit-boom: open: BadInternalError' });
    expect(stepInterlock(lane, step.state, { type: 'grant', at: 2, source: 'local', barrier: 'exit-boom' }).effects).toEqual([
      { type: 'reject', event: 'grant', barrier: 'exit-boom', reason: 'lane-faulted' },
    ]);

    await barrier.command('open'); // the next good call clears the fault
    expect(faults).toEqual([
      { code: 'command-failed', active: true },
      { code: 'command-failed', active: false },
    ]);
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('opened'), WAIT);
    await barrier.command('close');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);
    await device.stop();
  });

  it('server restart mid-cycle: session and subscriptions come back, no command is replayed', async () => {
    const leaks = trackHandles();
    const barrier = new OpcuaBarrier(rig.config(), { clock: systemClock, log });
    const device = supervise(barrier);
    const states: string[] = [];
    device.on('state', (s) => void states.push(s.state));
    await device.start();
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);
    const opensBefore = rig.model.calls.open;

    await barrier.command('open');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('opening'), WAIT);
    await rig.server.stop(); // PLC communication restarts while the boom keeps moving
    await vi.waitFor(() => expect(device.health().state).toBe('failed'), WAIT);
    await expect(barrier.command('close')).rejects.toThrow(/NOT_CONNECTED/);
    await vi.waitFor(() => expect(rig.model.snapshot().position).toBe('opened'), WAIT);

    await rig.server.start();
    await vi.waitFor(() => expect(device.health().state).toBe('ok'), WAIT);
    expect(device.health().reconnects).toBe(1);
    // The new subscription reports where the boom is now...
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('opened'), WAIT);
    // ...and keeps reporting: a full cycle is observed through it.
    await barrier.command('close');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);
    expect(rig.model.calls.open - opensBefore).toBe(1);
    expect(states).toEqual(['starting', 'ok', 'failed', 'ok']);

    await device.stop();
    await leaks.assertNoneLeft({ settleMs: 3_000 });
  }, 60_000);

  it('command-variable style writes the command code', async () => {
    const barrier = new OpcuaBarrier(rig.config({ commands: { style: 'variable', nodeId: 'ns=1;s=Barrier.Command' } }), { clock: systemClock, log });
    const device = supervise(barrier);
    await device.start();
    const opensBefore = rig.model.calls.open;
    await barrier.command('open');
    await vi.waitFor(() => expect(rig.model.calls.open).toBe(opensBefore + 1), WAIT);
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('opened'), WAIT);
    await expect(barrier.command('stop')).rejects.toThrow(/NOT_SUPPORTED: no command code configured for stop/);
    await barrier.command('close');
    await vi.waitFor(() => expect(barrier.snapshot().position).toBe('closed'), WAIT);
    await device.stop();
  });

  it('an unreachable PLC leaves the device failed with a clear reason, and the daemon running', async () => {
    const barrier = new OpcuaBarrier(rig.config({ endpoint: 'opc.tcp://127.0.0.1:1' }), { clock: systemClock, log });
    const device = supervise(barrier);
    await device.start();
    expect(device.health().state).toBe('failed');
    expect(device.health().lastError).toMatch(/^[A-Z]+: opc ua: .*\(opc\.tcp:\/\/127\.0\.0\.1:1\)$/);
    await expect(barrier.command('open')).rejects.toThrow(/NOT_CONNECTED/);
    await device.stop();
  });
});
