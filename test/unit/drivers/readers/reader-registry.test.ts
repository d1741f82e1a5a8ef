import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES, deviceConfigSchema } from '../../../../drivers/config-schemas.js';
import { SerialMrzReader } from '../../../../drivers/mrz/serial-mrz-reader.js';
import { createDevice } from '../../../../drivers/registry.js';
import { LlrpReader } from '../../../../drivers/rfid/llrp-reader.js';
import { SerialRfidReader } from '../../../../drivers/rfid/serial-rfid-reader.js';
import { SerialScanner } from '../../../../drivers/scanner/serial-scanner.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

describe('reader device types in the registry', () => {
  it('every reader type is in the config union', () => {
    expect(DEVICE_TYPES).toEqual(expect.arrayContaining(['serial-scanner', 'serial-mrz-reader', 'serial-rfid-reader', 'llrp-reader']));
  });

  it.each([
    [{ type: 'serial-scanner', name: 'entry-qr', path: '/dev/serial/by-id/usb-nothing-here', protocol: 'honeywell', mode: 'triggered' }, SerialScanner, /^ENOENT: serial device not found/],
    [{ type: 'serial-mrz-reader', name: 'entry-mrz', path: '/dev/serial/by-id/usb-nothing-here' }, SerialMrzReader, /^ENOENT: serial device not found/],
    [{ type: 'serial-rfid-reader', name: 'truck-rfid', path: '/dev/serial/by-id/usb-nothing-here', protocol: 'r2000' }, SerialRfidReader, /^ENOENT: serial device not found/],
    [{ type: 'llrp-reader', name: 'truck-llrp', host: '127.0.0.1', port: 1 }, LlrpReader, /^ECONNREFUSED: /],
  ])('%o builds a supervised driver that opens nothing until started, and fails with a clear reason', async (raw, cls, reason) => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    const config = deviceConfigSchema.parse(raw);
    const device = createDevice(config, { clock, log });
    expect(device.driver).toBeInstanceOf(cls);
    expect(device.health().state).toBe('stopped');
    await device.start();
    expect(device.health().state).toBe('failed');
    expect(device.health().lastError).toMatch(reason);
    await device.stop();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });

  it('bad reader configs fail with the path of the mistake', () => {
    const result = deviceConfigSchema.safeParse({ type: 'serial-rfid-reader', name: 'rfid', path: '/dev/x', protocol: 'epc-magic', minRssi: 5 });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['protocol', 'minRssi']));
  });
});
