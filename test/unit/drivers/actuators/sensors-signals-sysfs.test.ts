import { describe, expect, it } from 'vitest';
import { LaneSensors } from '../../../../drivers/io/lane-sensors.js';
import { laneSensorsConfigSchema } from '../../../../drivers/io/lane-sensors.config.js';
import { LaneSignals } from '../../../../drivers/io/lane-signals.js';
import { laneSignalsConfigSchema } from '../../../../drivers/io/lane-signals.config.js';
import type { FakeIo } from '../../../../drivers/io/fake-io.js';
import { SysfsIo, type SysfsPin, type SysfsPinFactory } from '../../../../drivers/io/sysfs-io.js';
import { sysfsIoConfigSchema } from '../../../../drivers/io/sysfs-io.config.js';
import { deviceConfigSchema } from '../../../../drivers/config-schemas.js';
import { createDevice } from '../../../../drivers/registry.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';

const log = new LogHub({ level: 'silent' }).root;
const tick = () => new Promise((r) => setImmediate(r));

describe('LaneSensors', () => {
  it('reports presence (debounced), door contacts and emergency by function, and everything again after a reconnect', async () => {
    const clock = new FakeClock();
    const config = laneSensorsConfigSchema.parse({
      type: 'lane-sensors',
      name: 'lane-inputs',
      presence: ['loop-a'],
      doorContacts: ['exit-door-closed'],
      emergency: ['fire'],
      io: {
        backend: 'fake',
        lines: [
          { name: 'loop-a', direction: 'in', debounceMs: 100 },
          { name: 'exit-door-closed', direction: 'in', initial: true },
          // Fire panel contact wired normally closed: level 1 = normal, a cut wire (0) = emergency.
          { name: 'fire', direction: 'in', activeLow: true, initial: false },
        ],
      },
    });
    const sensors = new LaneSensors(config, { clock, log });
    const io = sensors.io as FakeIo;
    const seen: string[] = [];
    sensors.on('presence', (e) => void seen.push(`presence ${e.input}=${e.active}`));
    sensors.on('door-position', (e) => void seen.push(`door ${e.contact} closed=${e.closed}`));
    sensors.on('emergency', (e) => void seen.push(`emergency ${e.input}=${e.active}`));
    await sensors.open();
    await sensors.configure();
    expect(seen.splice(0)).toEqual(['presence loop-a=false', 'door exit-door-closed closed=true', 'emergency fire=false']);
    io.simulateInput('loop-a', true);
    clock.advance(60);
    io.simulateInput('loop-a', false); // flicker shorter than the debounce: nothing
    clock.advance(200);
    io.simulateLevel('fire', 0);
    expect(seen.splice(0)).toEqual(['emergency fire=true']);
    io.simulateDisconnect('cable');
    expect(sensors.snapshot()).toEqual({ presence: {}, doorClosed: {}, emergency: {} });
    await sensors.close();
  });

  it('config needs at least one function and declared input lines', () => {
    const result = laneSensorsConfigSchema.safeParse({ type: 'lane-sensors', name: 's', emergency: ['fire'], io: { backend: 'fake', lines: [{ name: 'x', direction: 'in' }] } });
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual(["emergency.0: lane-sensors needs an input line named 'fire'"]);
  });
});

describe('LaneSignals', () => {
  it('never lights red and green together; starts red; buzzes for a bounded time', async () => {
    const clock = new FakeClock();
    const config = laneSignalsConfigSchema.parse({
      type: 'lane-signals',
      name: 'lane-light',
      maxBuzzMs: 1_000,
      io: { backend: 'fake', lines: [{ name: 'green', direction: 'out' }, { name: 'red', direction: 'out' }, { name: 'buzzer', direction: 'out' }] },
    });
    const signals = new LaneSignals(config, { clock, log });
    const io = signals.io as FakeIo;
    const both: number[] = [];
    const write = io.write.bind(io);
    io.write = async (line, value) => {
      await write(line, value);
      if (io.level('red') === 1 && io.level('green') === 1) both.push(clock.now());
    };
    await signals.open();
    await signals.configure();
    expect([io.level('red'), io.level('green')]).toEqual([1, 0]);
    await signals.show('green');
    expect([io.level('red'), io.level('green')]).toEqual([0, 1]);
    await signals.show('red');
    expect([io.level('red'), io.level('green')]).toEqual([1, 0]);
    expect(both).toEqual([]);
    await signals.buzz(60_000);
    expect(io.level('buzzer')).toBe(1);
    clock.advance(1_000);
    await tick();
    expect(io.level('buzzer')).toBe(0);
    await signals.close();
    expect(clock.pendingTimers()).toBe(0);
  });
});

/** An in-memory sysfs pin with the part of onoff's API the backend uses. */
class MemoryPin implements SysfsPin {
  watcher: ((err: Error | null | undefined, level: 0 | 1) => void) | null = null;
  unexported = false;
  constructor(readonly gpio: number, readonly direction: string, public level: 0 | 1) {}
  readSync(): 0 | 1 {
    return this.level;
  }
  writeSync(level: 0 | 1): void {
    this.level = level;
  }
  watch(cb: (err: Error | null | undefined, level: 0 | 1) => void): void {
    this.watcher = cb;
  }
  unwatchAll(): void {
    this.watcher = null;
  }
  unexport(): void {
    this.unexported = true;
  }
}

describe('SysfsIo (onoff interface, in-memory pins)', () => {
  it('exports pins with the right direction and glitch-free initial level, inverts active-low, drops outputs on close', async () => {
    const clock = new FakeClock();
    const pins = new Map<number, MemoryPin>();
    const factory: SysfsPinFactory = (gpio, direction) => {
      const pin = new MemoryPin(gpio, direction, direction === 'high' ? 1 : 0);
      pins.set(gpio, pin);
      return pin;
    };
    const config = sysfsIoConfigSchema.parse({
      type: 'sysfs-io',
      name: 'old-gpio',
      lines: [
        { name: 'relay', offset: 20, direction: 'out', activeLow: true },
        { name: 'loop', offset: 21, direction: 'in', debounceMs: 30 },
      ],
    });
    const io = new SysfsIo(config, { clock, log, pins: async () => factory });
    const edges: string[] = [];
    io.on('edge', (e) => void edges.push(`${e.line}=${e.value}`));
    await io.open();
    expect(pins.get(20)!.direction).toBe('high'); // logical false on an active-low relay = level 1
    expect(pins.get(21)!.direction).toBe('in');
    await io.write('relay', true);
    expect(pins.get(20)!.level).toBe(0);
    pins.get(21)!.watcher!(null, 1);
    clock.advance(30);
    expect(edges).toEqual(['loop=true']);
    pins.get(21)!.watcher!(new Error('EIO'), 0);
    await io.close();
    expect(pins.get(20)!.level).toBe(1); // de-energised before release
    expect([pins.get(20)!.unexported, pins.get(21)!.unexported]).toEqual([true, true]);
  });

  it('on a machine without sysfs GPIO, open fails with a clear reason (onoff says not accessible)', async () => {
    const config = sysfsIoConfigSchema.parse({ type: 'sysfs-io', name: 'old-gpio', lines: [{ name: 'relay', offset: 20, direction: 'out' }] });
    const io = new SysfsIo(config, { clock: new FakeClock(), log });
    await expect(io.open()).rejects.toThrow('ENOENT: sysfs gpio unavailable: /sys/class/gpio is not accessible on this machine (/sys/class/gpio)');
  });
});

describe('registry: the new device types', () => {
  it('builds each without opening anything', () => {
    const clock = new FakeClock();
    const fakeLines = (names: Array<[string, 'in' | 'out']>) => names.map(([name, direction]) => ({ name, direction }));
    const configs = [
      { type: 'gpiod-io', name: 'a', lines: [{ name: 'x', offset: 1, direction: 'in' }] },
      { type: 'sysfs-io', name: 'b', lines: [{ name: 'x', offset: 1, direction: 'out' }] },
      { type: 'lane-sensors', name: 'c', presence: ['x'], io: { backend: 'fake', lines: fakeLines([['x', 'in']]) } },
      { type: 'lane-signals', name: 'd', io: { backend: 'fake', lines: fakeLines([['green', 'out']]) } },
      { type: 'relay-barrier', name: 'e', role: 'door', io: { backend: 'fake', lines: fakeLines([['open', 'out'], ['close', 'out']]) } },
      {
        type: 'opcua-barrier', name: 'f', role: 'vehicle-barrier', endpoint: 'opc.tcp://10.0.0.20:4840',
        security: { mode: 'SignAndEncrypt', pkiDir: '/var/lib/lane/pki' },
        commands: { style: 'method', objectId: 'ns=2;s=Gate', open: 'ns=2;s=Gate.Open', close: 'ns=2;s=Gate.Close' },
        nodes: { position: 'ns=2;s=Gate.Position', heartbeat: 'ns=2;s=Gate.Heartbeat' },
      },
    ];
    const kinds = configs.map((raw) => {
      const device = createDevice(deviceConfigSchema.parse(raw), { clock, log });
      expect(device.health().state).toBe('stopped');
      return `${device.name}:${device.driver.kind}`;
    });
    expect(kinds).toEqual(['device:a:io', 'device:b:io', 'device:c:sensor', 'device:d:signal', 'device:e:barrier', 'device:f:barrier']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('opcua security: None must be written explicitly; a policy must fit the mode', () => {
    const base = {
      type: 'opcua-barrier', name: 'f', role: 'vehicle-barrier', endpoint: 'opc.tcp://plc:4840',
      commands: { style: 'method', objectId: 'ns=2;s=Gate', open: 'ns=2;s=Gate.Open', close: 'ns=2;s=Gate.Close' },
      nodes: { position: 'ns=2;s=Gate.Position', heartbeat: 'Gate.Heartbeat' },
    };
    const issues = (security: unknown) =>
      deviceConfigSchema.safeParse({ ...base, security }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ pkiDir: '/p' })).toContain("security.mode: Invalid option: expected one of \"None\"|\"Sign\"|\"SignAndEncrypt\"");
    expect(issues({ mode: 'None', policy: 'Basic256Sha256', pkiDir: '/p' })).toContain(
      "security.policy: mode None carries no policy; use mode Sign or SignAndEncrypt for 'Basic256Sha256'",
    );
    expect(issues({ mode: 'Sign', pkiDir: '/p' })).toEqual(["nodes.heartbeat: must be an OPC UA node id such as 'ns=2;s=Gate.Open' or 'ns=3;i=1001'"]);
  });
});
