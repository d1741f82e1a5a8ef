/**
 * The serial line scanner and its supervisor on real ptys (socat) with the simulator as a child
 * process: the behaviour the contract suite does not cover (missing device at start, liveness,
 * vanished links, suffix 'none', stale partial frames, bad device paths).
 */
import { readlinkSync, symlinkSync, unlinkSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ScannedCode } from '../../../drivers/scanner/scanner.js';
import { SerialLineScanner } from '../../../drivers/scanner/serial-line-scanner.js';
import { serialLineScannerConfigSchema } from '../../../drivers/scanner/serial-line-scanner.config.js';
import { DeviceSupervisor } from '../../../drivers/supervisor.js';
import { systemClock } from '../../../src/util/clock.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { trackHandles } from '../../helpers/leaks.js';
import { socatMissing } from '../../helpers/pty.js';
import { startSerialScannerRig, type SerialScannerRig } from './serial-line-scanner-rig.js';
import { waitUntil } from './support/wait.js';

const missing = socatMissing();
const silent = new LogHub({ level: 'silent' }).root;

describe.skipIf(missing !== null)(`serial line scanner on a pty${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let rig: SerialScannerRig | null = null;
  let supervisor: DeviceSupervisor<SerialLineScanner> | null = null;

  afterEach(async () => {
    await supervisor?.stop();
    await rig?.cleanup();
    supervisor = null;
    rig = null;
  });

  const codesOf = (driver: SerialLineScanner): ScannedCode[] => {
    const codes: ScannedCode[] = [];
    driver.on('code', (code) => void codes.push(code));
    return codes;
  };

  it('device missing at start: start() resolves, health failed with ENOENT, retries on the clock, recovers when the pty appears', async () => {
    const leaks = trackHandles();
    const clock = new FakeClock();
    rig = await startSerialScannerRig({ name: 'late-scanner', clock, unplugged: true });
    supervisor = new DeviceSupervisor(rig.driver, { clock, log: rig.log, backoff: { jitter: 0 } });
    await supervisor.start();
    let health = supervisor.health();
    expect(health.state).toBe('failed');
    expect(health.lastError).toMatch(/^ENOENT: serial device not found/);
    expect(health.lastError).toContain(rig.pty.b);
    expect(health.counters.openAttempts).toBe(1);

    // Still absent: each backoff step makes one more attempt (0.5 s, then 1 s).
    clock.advance(500);
    // Failure counted and the next retry scheduled (the open timeout of the attempt is then cancelled);
    // the second pending timer polls for the device path to reappear (replug).
    await waitUntil('second attempt', () => supervisor!.health().counters.openFailures === 2 && clock.pendingTimers() === 2);
    clock.advance(1_000);
    await waitUntil('third attempt', () => supervisor!.health().counters.openFailures === 3 && clock.pendingTimers() === 2);
    expect(supervisor.health().counters.openAttempts).toBe(3);
    expect(supervisor.health().state).toBe('failed');

    await rig.replug();
    clock.advance(2_000);
    await waitUntil('scanner up', () => supervisor!.health().state === 'ok');
    health = supervisor.health();
    expect(health.reconnects).toBe(1);
    expect(health.counters.openFailures).toBe(3);
    const codes = codesOf(rig.driver);
    await rig.sim.code('LATE-1');
    await waitUntil('code', () => codes.length === 1);
    expect(codes[0]?.text).toBe('LATE-1');

    await supervisor.stop();
    expect(clock.pendingTimers()).toBe(0);
    await rig.cleanup();
    await leaks.assertNoneLeft();
  });

  it('liveness: a silent device is reconnected after livenessTimeoutMs', async () => {
    const clock = new FakeClock();
    rig = await startSerialScannerRig({ name: 'quiet-scanner', clock, config: { livenessTimeoutMs: 1_000 } });
    supervisor = new DeviceSupervisor(rig.driver, { clock, log: rig.log, backoff: { jitter: 0 }, watchIntervalMs: 250 });
    await supervisor.start();
    const codes = codesOf(rig.driver);
    await rig.sim.code('ALIVE');
    await waitUntil('code', () => codes.length === 1);
    clock.advance(750);
    expect(supervisor.health().state).toBe('ok');
    clock.advance(500);
    expect(supervisor.health().state).toBe('failed');
    expect(supervisor.health().lastError).toMatch(/liveness/);
    await waitUntil('retry scheduled', () => clock.pendingTimers() === 1);
    clock.advance(500);
    await waitUntil('reconnected', () => supervisor!.health().state === 'ok');
    expect(supervisor.health().reconnects).toBe(1);
    await rig.sim.code('STILL-THERE');
    await waitUntil('code after reconnect', () => codes.length === 2);
    expect(codes[1]?.text).toBe('STILL-THERE');
  });

  it('a vanished device link is noticed even while the port stays open, and reconnects when it returns', async () => {
    rig = await startSerialScannerRig({ name: 'link-scanner' });
    supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log, watchIntervalMs: 50 });
    await supervisor.start();
    const target = readlinkSync(rig.pty.b);
    unlinkSync(rig.pty.b);
    await waitUntil('loss noticed', () => supervisor!.health().state === 'failed');
    expect(supervisor.health().lastError).toBe(`device path vanished: ${rig.pty.b}`);
    symlinkSync(target, rig.pty.b);
    await waitUntil('reconnected', () => supervisor!.health().state === 'ok');
    expect(supervisor.health().reconnects).toBe(1);
    const codes = codesOf(rig.driver);
    await rig.sim.code('RELINKED');
    await waitUntil('code', () => codes.length === 1);
    expect(codes[0]?.text).toBe('RELINKED');
  });

  it("suffix 'none': codes are split on pauses; an oversize burst is dropped and counted", async () => {
    rig = await startSerialScannerRig({ name: 'pause-scanner', config: { suffix: 'none', interByteTimeoutMs: 40 } });
    supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log });
    await supervisor.start();
    const codes = codesOf(rig.driver);
    await rig.sim.code('PAUSE-1');
    await rig.sim.oversize(rig.maxCodeBytes + 1);
    await rig.sim.code('PAUSE-2');
    await waitUntil('codes', () => codes.length === 2);
    expect(codes.map((c) => c.text)).toEqual(['PAUSE-1', 'PAUSE-2']);
    expect(rig.driver.counters().oversize).toBe(1);
  });

  it('a code cut off by a stall is dropped as stale; a code split over two writes is joined', async () => {
    rig = await startSerialScannerRig({ name: 'stall-scanner' });
    supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log });
    await supervisor.start();
    const codes = codesOf(rig.driver);
    const sim = rig.simProcess()!;
    await sim.send({ op: 'partial', text: 'SPLIT-' });
    await sim.send({ op: 'code', text: 'JOINED' });
    await sim.send({ op: 'partial', text: 'CUT-OFF' });
    await sim.send({ op: 'stall', ms: 2_300 }); // the framer's default stale gap is 2 s
    await sim.send({ op: 'code', text: 'WHOLE' });
    await waitUntil('codes', () => codes.length === 2);
    expect(codes.map((c) => c.text)).toEqual(['SPLIT-JOINED', 'WHOLE']);
    expect(rig.driver.counters().stale).toBe(1);
  });

  it('the simulator refuses a bad script step with a reason and keeps running', async () => {
    rig = await startSerialScannerRig({ name: 'sim-check' });
    const sim = rig.simProcess()!;
    await expect(sim.send({ op: 'explode' })).rejects.toThrow(/refused step 1: op: /);
    await expect(sim.send({ op: 'raw', hex: 'abc' })).rejects.toThrow(/hex: must be an even number of hex digits/);
    await expect(sim.send({ op: 'code', text: 'OK' })).resolves.toBeUndefined();
  });
});

describe('serial line scanner: device paths that are not serial ports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lane-notserial-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['a regular file', () => {
      const file = join(dir, 'regular');
      writeFileSync(file, '');
      return file;
    }, /^ENOTTY: /],
    ['a directory', () => dir, /^EISDIR: /],
    ['a missing path', () => join(dir, 'missing'), /^ENOENT: /],
  ])('%s gives a clear reason and no crash', async (_label, makePath, reason) => {
    const leaks = trackHandles();
    const config = serialLineScannerConfigSchema.parse({ type: 'serial-line-scanner', name: 'odd', path: makePath(), role: 'any' });
    const clock = new FakeClock();
    const driver = new SerialLineScanner(config, { clock, log: silent });
    await expect(driver.open()).rejects.toThrow(reason);
    const sup = new DeviceSupervisor(driver, { clock, log: silent });
    await sup.start();
    expect(sup.health().state).toBe('failed');
    expect(sup.health().lastError).toMatch(reason);
    await sup.stop();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });
});
