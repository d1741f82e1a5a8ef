/**
 * The contract every ffmpeg-backed camera source must meet, run against each source paired with its
 * simulator (design guide: one contract suite per driver kind). A new source adds one test file calling
 * describeCameraContract() with a factory building the driver and its simulated camera.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inspectJpeg } from '../../../../drivers/camera/jpeg-splitter.js';
import type { CameraDriver } from '../../../../drivers/camera/camera.js';
import { DeviceSupervisor, type DeviceStateChange } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { waitUntil } from '../support/wait.js';
import { collectFrames, driverFfmpegProcesses, type CameraRig, type MakeCameraRig } from './camera-rig.js';

/** Reconnect quickly in tests; the production backoff is 0.5 s -> 5 s. */
const SUPERVISOR = { backoff: { initialMs: 100, maxMs: 400, jitter: 0 }, openTimeoutMs: 9_000 };

export function describeCameraContract(name: string, makeRig: MakeCameraRig): void {
  describe(`camera contract: ${name}`, () => {
    let rig: CameraRig | null = null;
    let supervisor: DeviceSupervisor<CameraDriver> | null = null;

    const setUp = async (): Promise<{ rig: CameraRig; supervisor: DeviceSupervisor<CameraDriver> }> => {
      rig = await makeRig({ name: 'contract-camera' });
      supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log, ...SUPERVISOR });
      return { rig, supervisor };
    };

    afterEach(async () => {
      await supervisor?.stop();
      await rig?.cleanup();
      supervisor = null;
      rig = null;
    });

    it('delivers whole JPEG frames at the configured size with rising seq; health has fps and frame age; stop leaves nothing', async () => {
      const leaks = trackHandles();
      const { rig, supervisor } = await setUp();
      const before = Date.now();
      await supervisor.start();
      expect(supervisor.health().state).toBe('ok');
      const got = collectFrames(rig.driver);
      await waitUntil('8 frames', () => got.frames.length >= 8);
      for (const frame of got.frames) {
        expect([frame.width, frame.height]).toEqual([rig.width, rig.height]);
        const check = inspectJpeg(frame.jpeg);
        expect(check.ok && check.extraBytes === 0 && check.image.width === rig.width).toBe(true);
        expect(frame.at).toBeGreaterThanOrEqual(before);
      }
      const seqs = got.frames.map((f) => f.seq);
      expect(seqs.every((seq, i) => i === 0 || seq > (seqs[i - 1] as number))).toBe(true);
      expect(rig.driver.latestFrame()?.seq).toBeGreaterThanOrEqual(seqs[seqs.length - 1] as number);
      const counters = supervisor.health().counters;
      expect(counters.fps).toBeGreaterThan(0);
      expect(counters.lastFrameAgeMs).toBeGreaterThanOrEqual(0);
      expect(counters.restarts).toBe(0);
      expect(counters.frames).toBeGreaterThanOrEqual(8);
      for (const key of ['droppedFrames', 'garbageBytes', 'stalls', 'exits']) expect(typeof counters[key]).toBe('number');
      expect(driverFfmpegProcesses()).toHaveLength(1);
      got.detach();
      await supervisor.stop();
      expect(driverFfmpegProcesses()).toEqual([]);
      expect(rig.driver.listenerCount('down')).toBe(0);
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });

    it('a camera that dies: the loss is reported, ffmpeg is restarted with backoff, frames resume', async () => {
      const leaks = trackHandles();
      const { rig, supervisor } = await setUp();
      const changes: DeviceStateChange[] = [];
      supervisor.on('state', (change) => void changes.push(change));
      await supervisor.start();
      await rig.die();
      await waitUntil('loss noticed', () => supervisor.health().state === 'failed');
      // Either the stream's end or the refused reconnect, whichever the health shows last.
      expect(supervisor.health().lastError).toMatch(/ffmpeg|ECONNREFUSED|ENODATA|watchdog/);
      await rig.revive();
      await waitUntil('camera back', () => supervisor.health().state === 'ok');
      const got = collectFrames(rig.driver);
      await waitUntil('frames after the restart', () => got.frames.length >= 3);
      const health = supervisor.health();
      expect(health.reconnects).toBe(1);
      expect(health.counters.restarts).toBeGreaterThanOrEqual(1);
      expect(changes.map((c) => c.state)).toEqual(['starting', 'ok', 'failed', 'ok']);
      expect(driverFfmpegProcesses()).toHaveLength(1);
      got.detach();
      supervisor.removeAllListeners();
      await supervisor.stop();
      expect(driverFfmpegProcesses()).toEqual([]);
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });

    it('a camera that freezes (connection open, no frames): the watchdog kills ffmpeg and restarts it', async () => {
      const { rig, supervisor } = await setUp();
      await supervisor.start();
      const pidsBefore = driverFfmpegProcesses();
      expect(pidsBefore).toHaveLength(1);
      rig.freeze();
      await waitUntil('watchdog fired', () => supervisor.health().state === 'failed');
      expect(supervisor.health().lastError).toMatch(/^watchdog: no frame for \d+ ms/);
      expect(rig.driver.counters().stalls).toBe(1);
      // The frozen ffmpeg is gone (it would otherwise wait on the silent connection forever).
      await waitUntil('frozen ffmpeg ended', () => !driverFfmpegProcesses().includes(pidsBefore[0] as number));
      rig.resume();
      await waitUntil('camera back', () => supervisor.health().state === 'ok');
      const got = collectFrames(rig.driver);
      await waitUntil('frames after the restart', () => got.frames.length >= 3);
      expect(rig.driver.counters().restarts).toBeGreaterThanOrEqual(1);
      got.detach();
    });

    it('a camera missing at start: start() resolves with a reason, the camera comes up once it appears', async () => {
      const { rig, supervisor } = await setUp();
      await rig.die();
      await supervisor.start();
      const failed = supervisor.health();
      expect(failed.state).toBe('failed');
      expect(failed.lastError).toMatch(/^(ECONNREFUSED|ETIMEDOUT|EFFMPEG|ENODATA): /);
      await rig.revive();
      await waitUntil('camera up', () => supervisor.health().state === 'ok');
      expect(supervisor.health().reconnects).toBe(1);
      if (rig.secret !== null) {
        expect(rig.logText()).not.toContain(rig.secret);
        expect(JSON.stringify(supervisor.health())).not.toContain(rig.secret);
      }
    });
  });
}
