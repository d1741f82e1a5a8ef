import { describe, expect, it } from 'vitest';
import { deviceConfigSchema, type DeviceConfig } from '../../../drivers/config-schemas.js';
import { FakeIo } from '../../../drivers/io/fake-io.js';
import { createDevice } from '../../../drivers/registry.js';
import { SerialLineScanner } from '../../../drivers/scanner/serial-line-scanner.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { trackHandles } from '../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

describe('createDevice', () => {
  it('builds a supervised FakeIo for type fake-io, typed as such', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const config = deviceConfigSchema.parse({
      type: 'fake-io',
      name: 'gate-io',
      lines: [{ name: 'door', direction: 'out' }],
    });
    const device = createDevice(config, { clock, log });
    expect(device.name).toBe('device:gate-io');
    expect(device.critical).toBe(false);
    expect(device.driver).toBeInstanceOf(FakeIo);
    await device.start();
    expect(device.health().state).toBe('ok');
    await device.stop();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });

  it('builds a supervised SerialLineScanner for type serial-line-scanner without opening anything', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const config = deviceConfigSchema.parse({
      type: 'serial-line-scanner',
      name: 'entry-scanner',
      path: '/dev/serial/by-id/usb-does-not-exist',
      role: 'entry',
    });
    if (config.type !== 'serial-line-scanner') throw new Error('schema picked the wrong type');
    const device = createDevice(config, { clock, log, supervisor: { backoff: { initialMs: 10 } } });
    expect(device.driver).toBeInstanceOf(SerialLineScanner);
    expect(device.driver.devicePath).toBe('/dev/serial/by-id/usb-does-not-exist');
    expect(device.health().state).toBe('stopped'); // constructing opened nothing
    await device.start();
    expect(device.health().state).toBe('failed');
    expect(device.health().lastError).toMatch(/^ENOENT: serial device not found \(\/dev\/serial\/by-id\/usb-does-not-exist\)$/);
    await device.stop();
    await leaks.assertNoneLeft();
  });

  it('a type nobody registered fails with a clear reason (what the exhaustive switch prevents at compile time)', () => {
    const bogus = { type: 'laser-scanner', name: 'x' } as unknown as DeviceConfig;
    expect(() => createDevice(bogus, { clock: new FakeClock(), log })).toThrow("no driver registered for device type 'laser-scanner'");
  });
});
