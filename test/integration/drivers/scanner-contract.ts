/**
 * The contract every scanner driver must meet, run against each driver paired with its simulator
 * (design guide: one contract suite per driver kind). A new scanner driver adds one test file that
 * calls describeScannerContract() with a factory building the driver, its simulator and the "cable".
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ScannedCode, ScannerDriver } from '../../../drivers/scanner/scanner.js';
import { DeviceSupervisor, type DeviceStateChange } from '../../../drivers/supervisor.js';
import { systemClock } from '../../../src/util/clock.js';
import type { Logger } from '../../../src/util/logger.js';
import { trackHandles } from '../../helpers/leaks.js';
import { waitUntil } from './support/wait.js';

export interface ScannerSimControl {
  code(text: string): Promise<void>;
  /** Several codes in one write. */
  burst(texts: string[]): Promise<void>;
  /** One frame of line noise. */
  garbage(length: number): Promise<void>;
  /** One well-formed frame of `length` bytes. */
  oversize(length: number): Promise<void>;
}

export interface ScannerRig {
  driver: ScannerDriver;
  sim: ScannerSimControl;
  /** Largest code the driver accepts; the oversize test sends more than this. */
  maxCodeBytes: number;
  /** The device goes away, as a USB unplug (its simulator goes with it). */
  unplug(): Promise<void>;
  /** The device and its simulator come back under the same path. */
  replug(): Promise<void>;
  /** Everything the rig started is stopped. */
  cleanup(): Promise<void>;
  /** The logger the driver writes to; the supervisor under test uses it too. */
  log: Logger;
  /** Everything logged so far, to check that code content never reaches a log line. */
  logText(): string;
}

export type MakeScannerRig = (deps: { name: string }) => Promise<ScannerRig>;

/** Codes with the shapes a border lane sees; personal-looking content must not be logged. */
const CODES = ['VN-QR-0001', 'HK1234567890', '\u0102\u0111 \u6842P\u00b712345', '(01)09506000134352\u001d(10)ABC', 'x'];

function collect(driver: ScannerDriver): { codes: ScannedCode[]; detach(): void } {
  const codes: ScannedCode[] = [];
  const onCode = (code: ScannedCode): void => void codes.push(code);
  driver.on('code', onCode);
  return { codes, detach: () => driver.off('code', onCode) };
}

export function describeScannerContract(name: string, makeDriverAndSim: MakeScannerRig): void {
  describe(`scanner contract: ${name}`, () => {
    let rig: ScannerRig | null = null;
    let supervisor: DeviceSupervisor<ScannerDriver> | null = null;

    const setUp = async (): Promise<{ rig: ScannerRig; supervisor: DeviceSupervisor<ScannerDriver> }> => {
      rig = await makeDriverAndSim({ name: 'contract-scanner' });
      supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log });
      return { rig, supervisor };
    };

    afterEach(async () => {
      await supervisor?.stop();
      await rig?.cleanup();
      supervisor = null;
      rig = null;
    });

    it('emits every code exactly as sent, in order, and never logs code content', async () => {
      const leaks = trackHandles();
      const { rig, supervisor } = await setUp();
      await supervisor.start();
      expect(supervisor.health().state).toBe('ok');
      const got = collect(rig.driver);
      const before = Date.now();
      for (const text of CODES) await rig.sim.code(text);
      await waitUntil('all codes', () => got.codes.length >= CODES.length);
      expect(got.codes.map((c) => c.text)).toEqual(CODES);
      for (const code of got.codes) {
        expect(code.raw.equals(Buffer.from(code.text))).toBe(true);
        expect(code.symbology === null || typeof code.symbology === 'string').toBe(true);
        expect(code.at).toBeGreaterThanOrEqual(before - 1);
      }
      expect(rig.driver.counters().frames).toBe(CODES.length);
      // Long codes only: a one-letter code appears in any log line by chance.
      for (const text of CODES.filter((c) => c.length >= 8)) expect(rig.logText()).not.toContain(text);
      got.detach();
      await supervisor.stop();
      expect(rig.driver.listenerCount('down')).toBe(0);
      expect(rig.driver.listenerCount('error')).toBe(0);
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });

    it('frames codes independently of write boundaries', async () => {
      const { rig, supervisor } = await setUp();
      await supervisor.start();
      const got = collect(rig.driver);
      const texts = Array.from({ length: 20 }, (_, i) => `BURST-${i}`);
      await rig.sim.burst(texts.slice(0, 10));
      await rig.sim.burst(texts.slice(10));
      await waitUntil('burst codes', () => got.codes.length >= texts.length);
      expect(got.codes.map((c) => c.text)).toEqual(texts);
      got.detach();
    });

    it('drops and counts garbage and oversize frames without crashing, then keeps delivering', async () => {
      const { rig, supervisor } = await setUp();
      await supervisor.start();
      const got = collect(rig.driver);
      const before = rig.driver.counters();
      await rig.sim.code('BEFORE-NOISE');
      await rig.sim.garbage(64);
      await rig.sim.oversize(rig.maxCodeBytes + 100);
      await rig.sim.garbage(3);
      await rig.sim.code('AFTER-NOISE');
      await waitUntil('code after the noise', () => got.codes.length >= 2);
      expect(got.codes.map((c) => c.text)).toEqual(['BEFORE-NOISE', 'AFTER-NOISE']);
      const after = rig.driver.counters();
      expect((after.oversize ?? 0) - (before.oversize ?? 0)).toBe(1);
      expect((after.garbage ?? 0) - (before.garbage ?? 0)).toBe(2);
      expect((after.frames ?? 0) - (before.frames ?? 0)).toBe(2);
      expect(typeof after.errors).toBe('number');
      expect(supervisor.health().state).toBe('ok');
      got.detach();
    });

    it('starts without its device (start resolves, health failed) and comes up when it is plugged in', async () => {
      const { rig, supervisor } = await setUp();
      await rig.unplug();
      await supervisor.start();
      const failed = supervisor.health();
      expect(failed.state).toBe('failed');
      expect(failed.lastError).toMatch(/\S/);
      await rig.replug();
      await waitUntil('device up after plug-in', () => supervisor.health().state === 'ok');
      expect(supervisor.health().reconnects).toBe(1);
      const got = collect(rig.driver);
      await rig.sim.code('LATE-DEVICE');
      await waitUntil('code from the late device', () => got.codes.length >= 1);
      expect(got.codes[0]?.text).toBe('LATE-DEVICE');
      got.detach();
    });

    it('notices an unplug while running, reconnects when the device is back, and counts it', async () => {
      const leaks = trackHandles();
      const { rig, supervisor } = await setUp();
      const changes: DeviceStateChange[] = [];
      supervisor.on('state', (change) => void changes.push(change));
      await supervisor.start();
      await rig.unplug();
      await waitUntil('loss noticed', () => supervisor.health().state === 'failed');
      expect(supervisor.health().lastError).toMatch(/disconnected|closed|vanished|liveness|error|EBUSY/);
      await rig.replug();
      await waitUntil('device back', () => supervisor.health().state === 'ok');
      const health = supervisor.health();
      expect(health.reconnects).toBe(1);
      expect(health.counters.disconnects).toBe(1);
      expect(changes.map((c) => c.state)).toEqual(['starting', 'ok', 'failed', 'ok']);
      const got = collect(rig.driver);
      await rig.sim.code('AFTER-REPLUG');
      await waitUntil('code after replug', () => got.codes.length >= 1);
      expect(got.codes[0]?.text).toBe('AFTER-REPLUG');
      got.detach();
      supervisor.removeAllListeners();
      await supervisor.stop();
      expect(supervisor.health().state).toBe('stopped');
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });
  });
}
