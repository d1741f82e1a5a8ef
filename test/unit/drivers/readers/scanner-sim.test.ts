import { afterEach, describe, expect, it } from 'vitest';
import type { ScannedCode } from '../../../../drivers/scanner/scanner.js';
import { SerialScanner } from '../../../../drivers/scanner/serial-scanner.js';
import { serialScannerConfigSchema } from '../../../../drivers/scanner/serial-scanner.config.js';
import type { ScannerProtocol } from '../../../../drivers/scanner/trigger-commands.js';
import { ScannerSim, scannerSimOptionsSchema } from '../../../../drivers/sim/scanner-sim.js';
import { misclock } from '../../../../drivers/sim/sim-kit.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { attachSim, mockSerial, settle } from './mock-port.js';

const log = new LogHub({ level: 'silent' }).root;
const drivers: SerialScanner[] = [];
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

async function pair(protocol: ScannerProtocol, mode: 'continuous' | 'triggered', extra: Record<string, unknown> = {}) {
  const serial = mockSerial();
  const clock = new FakeClock();
  const config = serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'qr', path: serial.path, protocol, mode, ...extra });
  const driver = new SerialScanner(config, { clock, log, portFactory: serial.factory });
  drivers.push(driver);
  const codes: ScannedCode[] = [];
  driver.on('code', (c) => void codes.push(c));
  await driver.open();
  const { sim, events } = attachSim(
    serial,
    (link) => new ScannerSim(link, scannerSimOptionsSchema.parse({ protocol, mode, ...(extra.aimIds ? { aimIds: true } : {}) })),
    clock,
  );
  await driver.configure();
  await settle();
  return { driver, sim, events, codes, clock };
}

describe('scanner simulator against the driver (binding-mock)', () => {
  it.each<ScannerProtocol>(['honeywell', 'newland', 'zebra-ssi', 'datalogic'])(
    '%s triggered: a code held in front is read only once the lane opens its window',
    async (protocol) => {
      const { driver, sim, codes, events } = await pair(protocol, 'triggered');
      await sim.run({ op: 'present', text: 'HELD-CODE' });
      await settle();
      expect(codes).toEqual([]);
      driver.openReadWindow(5_000);
      await settle(10);
      expect(codes.map((c) => c.text)).toEqual(['HELD-CODE']);
      driver.closeReadWindow();
      await settle();
      const names = events.map((e) => e.name);
      const expected: Record<string, string[]> = {
        honeywell: ['TRIGGER_OFF', 'TRIGGER_ON', 'TRIGGER_OFF'],
        newland: ['SCNTRG0', 'SCNTRG1', 'SCNTRG0'],
        'zebra-ssi': ['SCAN_ENABLE', 'START_DECODE', 'CMD_ACK', 'STOP_DECODE'],
        datalogic: ['DISABLE', 'ENABLE', 'DISABLE'],
      };
      expect(names).toEqual(expected[protocol]);
      expect(driver.counters().naks ?? 0).toBe(0);
    },
  );

  it('zebra-ssi: a command the scanner NAKs is counted and logged, and configure fails with the reason', async () => {
    const { driver, sim } = await pair('zebra-ssi', 'continuous');
    await sim.run({ op: 'nak', count: 1 });
    await expect(driver.configure()).rejects.toThrow(/scanner refused the command \(NAK 6\)/);
    expect(driver.counters().naks).toBe(1);
  });

  it('zebra-ssi: long codes go out in several packets and come back whole; oversize is dropped', async () => {
    const { sim, codes, driver } = await pair('zebra-ssi', 'continuous', { readWindow: 'always', maxCodeBytes: 600 });
    const long = 'Q'.repeat(450);
    await sim.run({ op: 'code', text: long, symbology: ']d1' });
    await sim.run({ op: 'oversize', length: 700 });
    await sim.run({ op: 'code', text: 'AFTER' });
    await settle(10);
    expect(codes.map((c) => [c.symbology, c.text.length])).toEqual([[']d1', 450], [']Q1', 5]]);
    expect(driver.counters().oversize).toBe(1);
  });

  it('a scanner at the wrong baud rate produces frames that are dropped as garbage, never codes', async () => {
    for (const baud of [2400, 38400, 115200]) {
      const { sim, codes, driver, clock } = await pair('line', 'continuous', { readWindow: 'always' });
      await sim.run({ op: 'wrongBaud', text: 'HTTPS://VN.EXAMPLE/Q?123456', baud });
      await settle(10);
      // Misclocked bytes rarely contain a CR: what is left pending goes stale after 2 s of quiet.
      clock.advance(2_000);
      await sim.run({ op: 'code', text: 'RIGHT-BAUD' });
      await settle(10);
      expect(codes.map((c) => c.text)).toEqual(['RIGHT-BAUD']);
      const counters = driver.counters();
      expect(counters.dropped).toBeGreaterThanOrEqual(1);
      expect(counters.dropped).toBe((counters.garbage ?? 0) + (counters.stale ?? 0));
    }
  });
});

describe('misclock', () => {
  it('is the identity at the right speed and changes every byte at another', () => {
    const bytes = Buffer.from('VN-QR-0001\r');
    expect(misclock(bytes, 9600, 9600)).toEqual(bytes);
    expect(misclock(bytes, 115200, 9600).equals(bytes)).toBe(false);
    expect(misclock(bytes, 2400, 9600).equals(bytes)).toBe(false);
  });
});
