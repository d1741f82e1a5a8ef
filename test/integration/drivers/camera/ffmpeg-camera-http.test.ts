import { afterEach, describe, expect, it } from 'vitest';
import { cameraConfigSchema, type CameraConfig } from '../../../../drivers/camera/camera.config.js';
import { FfmpegCamera } from '../../../../drivers/camera/ffmpeg-camera.js';
import { inspectJpeg } from '../../../../drivers/camera/jpeg-splitter.js';
import { HttpCameraSim } from '../../../../drivers/sim/camera/http-camera-sim.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { waitUntil } from '../support/wait.js';
import { describeCameraContract } from './camera-contract.js';
import { captureLog, collectFrames, driverFfmpegProcesses, type CameraRig } from './camera-rig.js';
import { ffmpegMissing } from './ffmpeg-available.js';

const CREDENTIALS = { user: 'operator', password: 'Pw-7f3k-never-logged' };

function cameraConfig(name: string, source: CameraConfig['source'], extra: Record<string, unknown> = {}): CameraConfig {
  return cameraConfigSchema.parse({
    type: 'camera',
    name,
    source,
    fps: 5,
    width: 160, // from 320x240: 160x120
    stallTimeoutMs: 1_500,
    connectTimeoutMs: 5_000,
    ...extra,
  });
}

async function httpRig(name: string, kind: 'http-mjpeg' | 'http-snapshot'): Promise<CameraRig> {
  const sim = new HttpCameraSim({ width: 320, height: 240, fps: 10, credentials: CREDENTIALS });
  await sim.start();
  const { log, text } = captureLog();
  const url = kind === 'http-mjpeg' ? sim.streamUrl(CREDENTIALS) : sim.snapshotUrl(CREDENTIALS);
  const driver = new FfmpegCamera(cameraConfig(name, { kind, url }), { clock: systemClock, log, killGraceMs: 500 });
  return {
    driver,
    width: 160,
    height: 120,
    freeze: () => sim.freeze(),
    resume: () => sim.resume(),
    die: () => sim.die(),
    revive: () => sim.revive(),
    cleanup: () => sim.stop(),
    log,
    logText: text,
    secret: CREDENTIALS.password,
  };
}

const missing = ffmpegMissing();

if (missing) {
  describe.skip(`ffmpeg camera over HTTP (${missing})`, () => {
    it('needs ffmpeg', () => undefined);
  });
} else {
  describeCameraContract('http-mjpeg (multipart stream, basic auth)', ({ name }) => httpRig(name, 'http-mjpeg'));
  describeCameraContract('http-snapshot (one JPEG per request, basic auth)', ({ name }) => httpRig(name, 'http-snapshot'));

  describe('ffmpeg camera over HTTP: bad streams and bad settings', () => {
    let sim: HttpCameraSim | null = null;
    let supervisor: DeviceSupervisor | null = null;

    afterEach(async () => {
      await supervisor?.stop();
      await sim?.stop();
      supervisor = null;
      sim = null;
    });

    it('garbage between parts: frames keep coming, each a whole JPEG, and ffmpeg is never restarted', async () => {
      const leaks = trackHandles();
      sim = new HttpCameraSim({ width: 320, height: 240, fps: 10 });
      await sim.start();
      sim.setGarbage(700);
      const { log } = captureLog();
      const driver = new FfmpegCamera(cameraConfig('noisy-cam', { kind: 'http-mjpeg', url: sim.streamUrl() }, { fps: null }), {
        clock: systemClock,
        log,
      });
      supervisor = new DeviceSupervisor(driver, { clock: systemClock, log });
      await supervisor.start();
      const got = collectFrames(driver);
      await waitUntil('frames through the noise', () => got.frames.length >= 15);
      expect(sim.stats.garbageBytes).toBeGreaterThanOrEqual(10 * 700); // the noise really was in the stream
      for (const frame of got.frames) {
        const check = inspectJpeg(frame.jpeg);
        expect(check.ok && check.image.width === 160 && check.image.height === 120).toBe(true);
      }
      const health = supervisor.health();
      expect(health.state).toBe('ok');
      expect(health.counters.restarts).toBe(0);
      expect(health.counters.exits).toBe(0);
      // ffmpeg re-encodes, so the noise never reaches the driver's own splitter.
      expect(health.counters.garbageBytes).toBe(0);
      got.detach();
      await supervisor.stop();
      await sim.stop();
      await leaks.assertNoneLeft();
    });

    it('wrong password: start() resolves, health says EAUTH, and the password appears nowhere', async () => {
      sim = new HttpCameraSim({ credentials: CREDENTIALS });
      await sim.start();
      const wrong = { user: CREDENTIALS.user, password: 'Wrong-pw-3c9d-secret' };
      const { log, text } = captureLog();
      const driver = new FfmpegCamera(cameraConfig('auth-cam', { kind: 'http-mjpeg', url: sim.streamUrl(wrong) }), {
        clock: systemClock,
        log,
      });
      supervisor = new DeviceSupervisor(driver, { clock: systemClock, log, backoff: { initialMs: 60_000 } });
      await supervisor.start();
      const health = supervisor.health();
      expect(health.state).toBe('failed');
      expect(health.lastError).toMatch(/^EAUTH: ffmpeg exited with code \d+: .*401.* \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\/stream\.mjpeg\)$/);
      expect(sim.stats.rejected).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(health)).not.toContain(wrong.password);
      expect(text()).not.toContain(wrong.password);
      expect(driverFfmpegProcesses()).toEqual([]);
    });

    it('a URL the camera does not serve: ENOENT with the redacted URL', async () => {
      sim = new HttpCameraSim();
      await sim.start();
      const url = `http://127.0.0.1:${sim.port}/no-such-stream?token=abc-secret-token`;
      const { log, text } = captureLog();
      const driver = new FfmpegCamera(cameraConfig('lost-cam', { kind: 'http-mjpeg', url }), { clock: systemClock, log });
      await expect(driver.open()).rejects.toThrow(
        new RegExp(`^ENOENT: ffmpeg exited with code \\d+: .*404.* \\(http://127\\.0\\.0\\.1:${sim.port}/no-such-stream\\?\\*\\*\\*\\)$`),
      );
      expect(text()).not.toContain('abc-secret-token');
      await driver.close();
      expect(driverFfmpegProcesses()).toEqual([]);
    });

    it('ffmpeg not installed at the configured path: a clear ENOENT, no crash', async () => {
      const { log } = captureLog();
      const driver = new FfmpegCamera(
        cameraConfig('no-ffmpeg', { kind: 'http-mjpeg', url: 'http://127.0.0.1:9/x' }, { ffmpegPath: '/nonexistent/bin/ffmpeg' }),
        { clock: systemClock, log },
      );
      await expect(driver.open()).rejects.toThrow(
        'ENOENT: ffmpeg not found: /nonexistent/bin/ffmpeg (install the Debian package ffmpeg)',
      );
      await driver.close();
    });
  });
}
