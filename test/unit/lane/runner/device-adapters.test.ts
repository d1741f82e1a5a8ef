import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { DeviceStateChange } from '../../../../drivers/supervisor.js';
import type { HealthReport } from '../../../../src/app/service.js';
import { attachDevices, barrierActuators, type LaneDevice } from '../../../../src/lane/runner/device-adapters.js';
import type { RunnerInputs } from '../../../../src/lane/runner/lane-runner.js';

/** Drivers -> runner inputs: what each driver family's events become, and unsubscribing all of it. */
function device(name: string, kind: string, driver: object, state: HealthReport['state'] = 'ok'): LaneDevice & { states: EventEmitter; setState(s: HealthReport['state'], reason?: string): void } {
  const states = new EventEmitter();
  let current = state;
  return {
    name,
    kind,
    driver,
    states,
    health: () => ({ state: current, since: 0, reconnects: 0, lastError: current === 'ok' ? null : 'ENOENT', counters: {} }),
    onState: (l) => {
      states.on('state', l);
      return () => void states.off('state', l);
    },
    setState(s, reason = 'gone') {
      const previous = current;
      current = s;
      states.emit('state', { device: name, state: s, previous, reason: s === 'ok' ? null : reason, at: 0 } satisfies DeviceStateChange);
    },
  };
}

function recorder(): { inputs: RunnerInputs; calls: string[] } {
  const calls: string[] = [];
  const inputs: RunnerInputs = {
    present: (p) => calls.push(`present:${p.kind}:${p.reader}`),
    presence: (i, a) => calls.push(`presence:${i}:${a}`),
    position: (b, p) => calls.push(`position:${b}:${p}`),
    emergency: (i, a) => calls.push(`emergency:${i}:${a}`),
    deviceFault: (d, r, o) => calls.push(`fault:${d}:${r}:${o?.interlock === true}`),
    deviceOk: (d, o) => calls.push(`ok:${d}:${o?.interlock === true}`),
    plate: (c) => calls.push(`plate:${c}`),
    rfid: (r) => calls.push(`rfid:${r.epc}`),
  };
  return { inputs, calls };
}

describe('device adapters', () => {
  it('routes each family, seeds the interlocks from snapshots, follows supervisor state, and detaches', async () => {
    const scanner = Object.assign(new EventEmitter(), { openReadWindow() {}, closeReadWindow() {} });
    const other = new EventEmitter();
    const mrz = new EventEmitter();
    const rfid = new EventEmitter();
    const commands: string[] = [];
    const barrier = Object.assign(new EventEmitter(), {
      role: 'egress-door',
      snapshot: () => ({ position: 'closed', presence: { 'exit-beam': false }, faults: {}, holdOpen: false }),
      command: async (a: string) => void commands.push(a),
    });
    const sensors = Object.assign(new EventEmitter(), { snapshot: () => ({ presence: { 'entry-beam': true }, doorClosed: {}, emergency: { fire: false } }) });
    const devices = [
      device('qr-entry', 'scanner', scanner),
      device('qr-other', 'scanner', other),
      device('passport', 'mrz', mrz),
      device('rfid-gate', 'rfid', rfid),
      device('exit-door', 'barrier', barrier),
      device('lane-io', 'sensor', sensors, 'failed'),
    ];
    const { inputs, calls } = recorder();
    const detach = attachDevices(devices, { readers: ['qr-entry', 'passport'], rfidReaders: ['rfid-gate'], neededDevices: ['qr-entry', 'exit-door', 'lane-io'] }, inputs);
    // Seeded at attach: barrier position and presence, sensor presence; a device already failed is a fault.
    expect(calls).toEqual(['presence:exit-beam:false', 'position:exit-door:closed', 'presence:entry-beam:true', 'fault:lane-io:ENOENT:true']);
    calls.length = 0;

    scanner.emit('code', { text: 'TOKEN', raw: Buffer.alloc(0), symbology: null, at: 1 });
    other.emit('code', { text: 'TOKEN', raw: Buffer.alloc(0), symbology: null, at: 1 }); // not a reader of the flow
    mrz.emit('document', { format: 'TD3', lines: ['a', 'b'], at: 1 });
    mrz.emit('unreadable', { reason: 'line-count', at: 1 });
    rfid.emit('tag', { epc: 'E200', tid: null, antenna: 1, rssi: -50, firstSeen: 1 });
    barrier.emit('position', { position: 'opening', at: 1 });
    barrier.emit('presence', { input: 'exit-beam', active: true, at: 1 });
    barrier.emit('fault', { code: 'travel-timeout', active: true, detail: 'limit not reached', at: 1 });
    sensors.emit('emergency', { input: 'fire', active: true, at: 1 });
    devices[0]!.setState('failed', 'ENOENT: /dev/x');
    devices[0]!.setState('ok');
    devices[5]!.setState('ok');
    expect(calls).toEqual([
      'present:qr:qr-entry',
      'present:mrz:passport',
      'present:unreadable:passport',
      'rfid:E200',
      'position:exit-door:opening',
      'presence:exit-beam:true',
      'fault:exit-door:travel-timeout:limit not reached:true',
      'emergency:fire:true',
      'fault:qr-entry:ENOENT: /dev/x:false',
      'ok:qr-entry:false',
      'ok:lane-io:true',
    ]);

    detach();
    calls.length = 0;
    scanner.emit('code', { text: 'TOKEN', raw: Buffer.alloc(0), symbology: null, at: 1 });
    devices[0]!.setState('failed');
    expect(calls).toEqual([]);
    for (const d of [scanner, mrz, rfid, barrier, sensors]) expect(d.eventNames()).toEqual([]);

    await barrierActuators(devices).command('exit-door', 'hold-open');
    expect(commands).toEqual(['hold-open']);
    await expect(barrierActuators(devices).command('nope', 'open')).rejects.toThrow(/no barrier device named 'nope'/);
  });
});
