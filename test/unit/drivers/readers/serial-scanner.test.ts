import { afterEach, describe, expect, it } from 'vitest';
import type { ScannedCode } from '../../../../drivers/scanner/scanner.js';
import { SerialScanner } from '../../../../drivers/scanner/serial-scanner.js';
import { serialScannerConfigSchema, type SerialScannerConfig } from '../../../../drivers/scanner/serial-scanner.config.js';
import { encodeSsi, ssiAck } from '../../../../drivers/scanner/zebra-ssi.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { mockSerial, settle, type MockSerial } from './mock-port.js';

const log = new LogHub({ level: 'silent' }).root;

interface Rig {
  serial: MockSerial;
  clock: FakeClock;
  driver: SerialScanner;
  codes: ScannedCode[];
}

let open: SerialScanner[] = [];
afterEach(async () => {
  for (const driver of open) await driver.close();
  open = [];
});

async function rig(config: Partial<SerialScannerConfig>, opts: { openNow?: boolean } = {}): Promise<Rig> {
  const serial = mockSerial();
  const clock = new FakeClock();
  const parsed = serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'lane-qr', path: serial.path, ...config });
  const driver = new SerialScanner(parsed, { clock, log, portFactory: serial.factory });
  const codes: ScannedCode[] = [];
  driver.on('code', (code) => void codes.push(code));
  open.push(driver);
  if (opts.openNow !== false) await driver.open();
  return { serial, clock, driver, codes };
}

/** Acknowledges every SSI command the host sends, as a Zebra scanner does. */
function ackSsiCommands(serial: MockSerial): void {
  serial.onWrite((chunk) => {
    if (chunk.length >= 6 && chunk[2] === 0x04 && chunk[1] !== 0xd0) serial.emit(encodeSsi({ opcode: 0xd0, source: 0 }));
  });
}

describe('SerialScanner on binding-mock: bytes written', () => {
  it('honeywell triggered: configure stops any read; the window sends SYN T CR, closing it SYN U CR', async () => {
    const { serial, driver } = await rig({ protocol: 'honeywell', mode: 'triggered' });
    await driver.configure();
    expect(serial.written().toString('hex')).toBe('16550d');
    driver.openReadWindow(5_000);
    driver.openReadWindow(5_000); // extending an open window sends nothing more
    await settle();
    driver.closeReadWindow();
    driver.closeReadWindow();
    await settle();
    expect(serial.written().toString('hex')).toBe('16550d' + '16540d' + '16550d');
    expect(driver.counters().triggers).toBe(2);
  });

  it('newland triggered: ~SOH 0000#SCNTRG1; ETX, and the in-band ACK reply is not taken for a code', async () => {
    const { serial, driver, codes } = await rig({ protocol: 'newland', mode: 'triggered', readWindow: 'always' });
    driver.openReadWindow(1_000);
    await settle();
    expect(serial.written().toString('latin1')).toBe('~\x010000#SCNTRG1;\x03');
    serial.emit('\x02\x010000#SCNTRG1\x06;\x03VN-QR-42\r');
    await settle();
    expect(codes.map((c) => c.text)).toEqual(['VN-QR-42']);
    expect(driver.counters()).toMatchObject({ acks: 1, frames: 1, garbage: 0 });
  });

  it('datalogic: continuous mode enables with E on configure; triggered mode keeps it disabled between windows', async () => {
    const continuous = await rig({ protocol: 'datalogic', mode: 'continuous' });
    await continuous.driver.configure();
    expect(continuous.serial.written().toString('latin1')).toBe('E');
    const triggered = await rig({ protocol: 'datalogic', mode: 'triggered' });
    await triggered.driver.configure();
    triggered.driver.openReadWindow(2_000);
    await settle();
    triggered.clock.advance(2_000); // the window expires: disabled again
    await settle();
    expect(triggered.serial.written().toString('latin1')).toBe('DED');
  });

  it('zebra-ssi: configure waits for the ACK of SCAN_ENABLE; no ACK fails with a reason naming the baud rate', async () => {
    const { serial, driver, clock } = await rig({ protocol: 'zebra-ssi', commandTimeoutMs: 500 });
    const configured = driver.configure();
    await settle();
    expect(serial.written().toString('hex')).toBe('04e90400ff0f');
    serial.emit(encodeSsi({ opcode: 0xd0, source: 0 }));
    await expect(configured).resolves.toBeUndefined();
    const again = driver.configure();
    await settle();
    clock.advance(500);
    await expect(again).rejects.toThrow(/ETIMEDOUT: scanner did not acknowledge within 500 ms \(wrong baud rate or protocol\?\)/);
  });

  it('a re-connect re-sends the setup and, with a window open, the trigger', async () => {
    const { serial, driver } = await rig({ protocol: 'zebra-ssi', mode: 'triggered' });
    ackSsiCommands(serial);
    await driver.configure();
    driver.openReadWindow(10_000);
    await settle();
    await driver.close();
    await driver.open();
    await driver.configure();
    await settle();
    const hex = serial.written().toString('hex');
    // Recording spans the port's life: enable, start; then after the reconnect enable, start again.
    expect(hex).toBe(['04e90400ff0f', '04e40400ff14', '04e90400ff0f', '04e40400ff14'].join(''));
  });
});

describe('SerialScanner on binding-mock: bytes read', () => {
  it('AIM identifiers are split off and reported; a code without one is counted and delivered', async () => {
    const { serial, codes, driver } = await rig({ aimIds: true, readWindow: 'always' });
    serial.emit(']Q1HTTPS://VN.EXAMPLE/Q?1\r]C0123456\rNO-AIM\r');
    await settle();
    expect(codes.map((c) => [c.symbology, c.text])).toEqual([
      [']Q1', 'HTTPS://VN.EXAMPLE/Q?1'],
      [']C0', '123456'],
      [null, 'NO-AIM'],
    ]);
    expect(codes[0]!.raw.toString()).toBe('HTTPS://VN.EXAMPLE/Q?1');
    expect(driver.counters().missingAim).toBe(1);
  });

  it('readWindow lane: codes before the window and after it expired are counted, not delivered', async () => {
    const { serial, codes, driver, clock } = await rig({});
    serial.emit('EARLY\r');
    await settle();
    driver.openReadWindow(3_000);
    serial.emit('IN-WINDOW\r');
    await settle();
    clock.advance(3_000);
    serial.emit('LATE\r');
    await settle();
    expect(codes.map((c) => c.text)).toEqual(['IN-WINDOW']);
    expect(driver.counters().outsideWindow).toBe(2);
  });

  it('zebra-ssi decode data: ACKed, symbology from the barcode type, multi-packet codes joined, retransmits not doubled', async () => {
    const { serial, codes, driver } = await rig({ protocol: 'zebra-ssi', readWindow: 'always' });
    const first = encodeSsi({ opcode: 0xf3, source: 0, status: 0x02, data: Buffer.from('\x1cPART-ONE/', 'latin1') });
    const last = encodeSsi({ opcode: 0xf3, source: 0, status: 0x00, data: Buffer.from('\x1cPART-TWO', 'latin1') });
    serial.emit(Buffer.concat([first, last]));
    await settle();
    serial.emit(encodeSsi({ opcode: 0xf3, source: 0, status: 0x01, data: Buffer.from('\x1cPART-TWO', 'latin1') }));
    serial.emit(encodeSsi({ opcode: 0xf3, source: 0, status: 0, data: Buffer.from('\x03128-CODE', 'latin1') }));
    await settle();
    expect(codes.map((c) => [c.symbology, c.text])).toEqual([
      [']Q1', 'PART-ONE/PART-TWO'],
      [']C0', '128-CODE'],
    ]);
    expect(driver.counters().retransmits).toBe(1);
    // One ACK per decode packet received, the retransmission included.
    expect(serial.written().toString('hex')).toBe(ssiAck().toString('hex').repeat(4));
  });

  it('zebra-ssi: a spoilt packet is NAKed (resend), the retransmission delivered once', async () => {
    const { serial, codes, driver } = await rig({ protocol: 'zebra-ssi', readWindow: 'always' });
    const packet = encodeSsi({ opcode: 0xf3, source: 0, status: 0, data: Buffer.from('\x1cRESENT', 'latin1') });
    const spoilt = Buffer.from(packet);
    spoilt[spoilt.length - 1] = spoilt[spoilt.length - 1]! ^ 0xff;
    serial.emit(spoilt);
    await settle();
    serial.emit(encodeSsi({ opcode: 0xf3, source: 0, status: 0x01, data: Buffer.from('\x1cRESENT', 'latin1') }));
    await settle();
    expect(codes.map((c) => c.text)).toEqual(['RESENT']);
    expect(driver.counters().badChecksum).toBe(1);
    expect(serial.written().toString('hex')).toBe('05d1040001ff25' + '04d00400ff28');
  });

  it('garbage, oversize and a wrong terminator are dropped and counted; nothing crashes', async () => {
    const { serial, codes, driver } = await rig({ readWindow: 'always', maxCodeBytes: 32 });
    serial.emit(Buffer.concat([Buffer.from([0x00, 0xff, 0x80, 0x0d]), Buffer.from('X'.repeat(100) + '\r'), Buffer.from('\nAFTER\r')]));
    await settle();
    serial.emit('GOOD\r');
    await settle();
    expect(codes.map((c) => c.text)).toEqual(['GOOD']);
    expect(driver.counters()).toMatchObject({ garbage: 2, oversize: 1, frames: 1 });
  });

  it('an unplug closes the port: down with a reason; close() afterwards is safe; nothing left behind', async () => {
    const leaks = trackHandles();
    const { serial, driver } = await rig({ protocol: 'honeywell', mode: 'triggered' });
    const reasons: string[] = [];
    driver.on('down', (reason) => void reasons.push(reason));
    driver.openReadWindow(60_000);
    serial.unplug();
    await settle();
    expect(reasons).toEqual(['device disconnected']);
    await driver.close();
    await driver.close();
    await leaks.assertNoneLeft();
  });
});

describe('serial-scanner config', () => {
  it('rejects a trigger mode the family cannot do, and prefix/aimIds on SSI, with the path', () => {
    const bad = serialScannerConfigSchema.safeParse({ type: 'serial-scanner', name: 'q', path: '/dev/x', protocol: 'line', mode: 'triggered' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['mode'], message: expect.stringMatching(/protocol 'line' has no host trigger/) });
    const ssi = serialScannerConfigSchema.safeParse({ type: 'serial-scanner', name: 'q', path: '/dev/x', protocol: 'zebra-ssi', aimIds: true });
    expect(ssi.error?.issues[0]).toMatchObject({ path: ['aimIds'] });
  });
});
