/**
 * Faults beyond the contracts: repeated bad frames give one throttled log line and a counter; a
 * triggered scanner gets its setup and trigger again after a replug; a reader that hangs with its port
 * open is reconnected by liveness; an LLRP connection dropped by the network comes back with inventory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScannedCode } from '../../../../drivers/scanner/scanner.js';
import { SerialScanner } from '../../../../drivers/scanner/serial-scanner.js';
import { serialScannerConfigSchema } from '../../../../drivers/scanner/serial-scanner.config.js';
import { SerialRfidReader } from '../../../../drivers/rfid/serial-rfid-reader.js';
import { serialRfidReaderConfigSchema } from '../../../../drivers/rfid/serial-rfid-reader.config.js';
import type { TagRead } from '../../../../drivers/rfid/rfid-reader.js';
import { LlrpReader } from '../../../../drivers/rfid/llrp-reader.js';
import { llrpReaderConfigSchema } from '../../../../drivers/rfid/llrp-reader.config.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { LogCapture } from '../../../helpers/log-capture.js';
import { socatMissing } from '../../../helpers/pty.js';
import { waitUntil } from '../support/wait.js';
import { startReaderSim } from './support/reader-sim-process.js';
import { startSerialReaderRig, type SerialReaderRig } from './support/serial-reader-rig.js';

const missing = socatMissing();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function supervise<D extends SerialScanner | SerialRfidReader | LlrpReader>(driver: D, log: SerialReaderRig<unknown>['log']): DeviceSupervisor<D> {
  const supervisor = new DeviceSupervisor(driver, { clock: systemClock, log, watchIntervalMs: 100 });
  cleanups.push(() => supervisor.stop());
  return supervisor;
}

describe.skipIf(missing !== null)(`reader faults on ptys${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('a noisy line: every bad frame counted, one throttled warning per reason, no code content logged', async () => {
    const rig = await startSerialReaderRig({
      name: 'noisy-qr',
      device: 'scanner',
      throttleWindowMs: 60_000,
      makeDriver: (path, deps) => new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'noisy-qr', path, readWindow: 'always' }), deps),
    });
    cleanups.push(rig.cleanup);
    const supervisor = supervise(rig.driver, rig.log);
    await supervisor.start();
    const codes: ScannedCode[] = [];
    rig.driver.on('code', (c) => void codes.push(c));
    for (let i = 0; i < 5; i += 1) await rig.sim().send({ op: 'garbage', length: 30 });
    await rig.sim().send({ op: 'code', text: 'VN-QR-AFTER-NOISE' });
    await waitUntil('the code after the noise', () => codes.length === 1);
    expect(rig.driver.counters()).toMatchObject({ garbage: 5, dropped: 5, frames: 1 });
    expect(rig.logs.find('scanner frame dropped: garbage')).toHaveLength(1);
    expect(rig.logs.raw.join('\n')).not.toContain('VN-QR-AFTER-NOISE');
  });

  it('zebra-ssi triggered: after a replug the scanner gets SCAN_ENABLE and, with the window still open, START_DECODE again', async () => {
    const rig = await startSerialReaderRig({
      name: 'ssi-qr',
      device: 'scanner',
      simOptions: { protocol: 'zebra-ssi', mode: 'triggered' },
      makeDriver: (path, deps) =>
        new SerialScanner(serialScannerConfigSchema.parse({ type: 'serial-scanner', name: 'ssi-qr', path, protocol: 'zebra-ssi', mode: 'triggered' }), deps),
    });
    cleanups.push(rig.cleanup);
    const supervisor = supervise(rig.driver, rig.log);
    await supervisor.start();
    rig.driver.openReadWindow(60_000);
    await rig.sim().waitFor('START_DECODE', (e) => e.name === 'START_DECODE');
    await rig.unplug();
    await waitUntil('loss noticed', () => supervisor.health().state === 'failed');
    await rig.replug();
    await waitUntil('back', () => supervisor.health().state === 'ok');
    await waitUntil('setup and trigger re-sent', () => rig.sim().commands().filter((c) => c === 'START_DECODE').length === 2);
    expect(rig.sim().commands().filter((c) => c === 'SCAN_ENABLE')).toHaveLength(2);
    const codes: ScannedCode[] = [];
    rig.driver.on('code', (c) => void codes.push(c));
    await rig.sim().send({ op: 'present', text: 'AFTER-REPLUG' });
    await waitUntil('the triggered read', () => codes.length === 1);
    expect(codes[0]).toMatchObject({ text: 'AFTER-REPLUG', symbology: ']Q1' });
    expect(supervisor.health().reconnects).toBe(1);
  });

  it('a serial RFID reader that hangs with its port open is reconnected by liveness, then polled again', async () => {
    const rig = await startSerialReaderRig({
      name: 'hung-rfid',
      device: 'r2000',
      simOptions: { tags: [{ epc: '300833B2DDD9014000000001' }] },
      makeDriver: (path, deps) =>
        new SerialRfidReader(
          serialRfidReaderConfigSchema.parse({ type: 'serial-rfid-reader', name: 'hung-rfid', path, protocol: 'r2000', livenessTimeoutMs: 600, responseTimeoutMs: 300, dedupeWindowMs: 0 }),
          deps,
        ),
    });
    cleanups.push(rig.cleanup);
    const supervisor = supervise(rig.driver, rig.log);
    await supervisor.start();
    const tags: TagRead[] = [];
    rig.driver.on('tag', (t) => void tags.push(t));
    await waitUntil('reads', () => tags.length > 0);
    const hang = rig.sim().send({ op: 'stall', ms: 1_500, mute: true });
    await waitUntil('liveness timeout', () => supervisor.health().state === 'failed');
    expect(supervisor.health().lastError).toBe('liveness timeout: device silent');
    await hang;
    await waitUntil('back', () => supervisor.health().state === 'ok');
    const seen = tags.length;
    await waitUntil('reads again', () => tags.length > seen);
    expect(supervisor.health().reconnects).toBeGreaterThanOrEqual(1);
  });
});

describe('llrp reader: the network drops the connection', () => {
  it('inventory resumes after a dropped connection and after the reader was unreachable for a while', async () => {
    const sim = await startReaderSim({ kind: 'llrp', options: { reportIntervalMs: 20, tags: [{ epc: 'E2801160600002054D6F4A12', rssi: -55 }] } });
    cleanups.push(sim.stop);
    const logs = new LogCapture();
    const log = new LogHub({ level: 'debug', throttleWindowMs: 0, destination: logs }).child('drivers', { device: 'gate-llrp' });
    const driver = new LlrpReader(
      llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'gate-llrp', host: '127.0.0.1', port: Number(sim.ready.port), keepaliveMs: 300, dedupeWindowMs: 0 }),
      { clock: systemClock, log },
    );
    const supervisor = supervise(driver, log);
    const tags: TagRead[] = [];
    driver.on('tag', (t) => void tags.push(t));
    await supervisor.start();
    await waitUntil('reads', () => tags.length > 0);
    await sim.send({ op: 'drop' });
    await waitUntil('reconnected after the drop', () => supervisor.health().reconnects === 1 && supervisor.health().state === 'ok');
    let seen = tags.length;
    await waitUntil('reads after the drop', () => tags.length > seen);
    await sim.send({ op: 'refuse', ms: 1_200 });
    await waitUntil('reconnected after the outage', () => supervisor.health().reconnects === 2 && supervisor.health().state === 'ok');
    seen = tags.length;
    await waitUntil('reads after the outage', () => tags.length > seen);
    expect(sim.commands().filter((c) => c === 'ADD_ROSPEC')).toHaveLength(3);
    expect(supervisor.health().counters.openFailures).toBeGreaterThanOrEqual(1);
  });
});
