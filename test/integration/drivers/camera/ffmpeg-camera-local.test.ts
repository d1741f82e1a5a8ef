import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../../../drivers/camera/camera.js';
import { cameraConfigSchema, type CameraConfig } from '../../../../drivers/camera/camera.config.js';
import { FfmpegCamera } from '../../../../drivers/camera/ffmpeg-camera.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { makeJpeg } from '../../../unit/drivers/camera/jpeg-fixtures.js';
import { waitUntil } from '../support/wait.js';
import { captureLog, childProcesses, collectFrames, driverFfmpegProcesses } from './camera-rig.js';
import { ffmpegMissing } from './ffmpeg-available.js';

function config(name: string, source: CameraConfig['source'], extra: Record<string, unknown> = {}): CameraConfig {
  return cameraConfigSchema.parse({ type: 'camera', name, source, stallTimeoutMs: 1_500, connectTimeoutMs: 5_000, ...extra });
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lane-camera-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ffmpeg camera: local inputs checked before ffmpeg starts', () => {
  it('a USB camera whose device link is absent fails with ENOENT and its path; the path is watched for unplugs', async () => {
    const device = '/dev/v4l/by-id/usb-lane-test-absent-video-index0';
    const driver = new FfmpegCamera(config('usb-cam', { kind: 'v4l2', device, inputFormat: 'mjpeg' }), { clock: systemClock, log: captureLog().log });
    expect(driver.devicePath).toBe(device);
    await expect(driver.open()).rejects.toThrow(`ENOENT: video device not found (${device})`);
    expect(driverFfmpegProcesses()).toEqual([]);
    await driver.close();
  });

  it('a missing video file fails with ENOENT and its path', async () => {
    const path = join(dir, 'absent.mkv');
    const driver = new FfmpegCamera(config('file-cam', { kind: 'file', path }), { clock: systemClock, log: captureLog().log });
    await expect(driver.open()).rejects.toThrow(`ENOENT: video file not found (${path})`);
    await driver.close();
  });
});

const missing = ffmpegMissing();

if (missing) {
  describe.skip(`ffmpeg camera on local inputs (${missing})`, () => {
    it('needs ffmpeg', () => undefined);
  });
} else {
  describe('ffmpeg camera: a recorded video file', () => {
    it('replays the file in real time, looping, scaled, and stops cleanly', async () => {
      const video = join(dir, 'clip.mkv');
      const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '1', '-c:v', 'mjpeg', '-y', video]);
      expect(made.status).toBe(0);
      const leaks = trackHandles();
      const { log } = captureLog();
      const driver = new FfmpegCamera(config('file-cam', { kind: 'file', path: video }, { fps: 10, width: 64 }), { clock: systemClock, log });
      const supervisor = new DeviceSupervisor(driver, { clock: systemClock, log });
      await supervisor.start();
      expect(supervisor.health().state).toBe('ok');
      const got = collectFrames(driver);
      // 15 frames at 10 fps from a 1-second clip: only a looping replay gets there.
      await waitUntil('a second pass through the clip', () => got.frames.length >= 15);
      expect(got.frames.every((f) => f.width === 64 && f.height === 48)).toBe(true);
      expect(supervisor.health().counters.restarts).toBe(0);
      got.detach();
      await supervisor.stop();
      expect(driverFfmpegProcesses()).toEqual([]);
      await leaks.assertNoneLeft();
    });
  });
}

describe('ffmpeg camera: what it does with the pipe (a stand-in for ffmpeg)', () => {
  // ffmpeg itself never writes noise to its output or ignores SIGTERM for long; a shell script that does
  // shows the driver copes. It is started exactly as ffmpeg would be (ffmpegPath), arguments ignored.
  let images: Buffer[] = [];

  beforeAll(async () => {
    images = await Promise.all([1, 2, 3, 4, 5, 6].map((seed) => makeJpeg(48, 32, { seed })));
    images.forEach((image, i) => writeFileSync(join(dir, `img${i + 1}.jpg`), image));
  });

  /** A script standing in for ffmpeg; `trap '' TERM` makes it (and the sleep it becomes) ignore SIGTERM. */
  function standIn(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\ntrap '' TERM\n${body}\nexec sleep 30\n`);
    chmodSync(path, 0o755);
    return path;
  }

  const httpSource: CameraConfig['source'] = { kind: 'http-mjpeg', url: 'http://127.0.0.1:9/unused' };

  it('counts noise between images as garbageBytes, to the byte, and delivers every image', async () => {
    const noise = join(dir, 'noise.bin');
    // Includes a false start-of-image marker (FF D8) that leads nowhere.
    const noiseData = Buffer.from('not a picture \xff\x00\xff\xd8 still not one', 'latin1');
    writeFileSync(noise, noiseData);
    const noiseBytes = noiseData.length;
    const script = standIn('noisy-ffmpeg', `cat ${noise} ${join(dir, 'img1.jpg')} ${noise} ${join(dir, 'img2.jpg')} ${noise}`);
    const { log } = captureLog();
    const driver = new FfmpegCamera(config('noisy', httpSource, { ffmpegPath: script }), { clock: systemClock, log, killGraceMs: 200 });
    const frames: CameraFrame[] = [];
    driver.on('frame', (f) => void frames.push(f));
    await driver.open();
    await waitUntil('both images', () => frames.length + driver.counters().droppedFrames >= 2);
    const delivered = driver.latestFrame();
    expect(delivered?.jpeg.equals(images[1] as Buffer)).toBe(true);
    // The trailing noise may still be held back as a possible start of the next image.
    await waitUntil('trailing noise counted', () => driver.counters().garbageBytes >= 2 * noiseBytes);
    expect(driver.counters().garbageBytes).toBeLessThanOrEqual(3 * noiseBytes);
    await driver.close();
    expect(driver.counters().garbageBytes).toBe(3 * noiseBytes); // close() drops what was held back
  });

  it('latest frame only: images that pile up while the event loop is busy are dropped, the newest delivered', async () => {
    const files = images.map((_, i) => join(dir, `img${i + 1}.jpg`));
    const script = standIn('bursty-ffmpeg', `cat ${files[0]}\nsleep 0.3\ncat ${files.slice(1).join(' ')}`);
    const { log } = captureLog();
    const driver = new FfmpegCamera(config('bursty', httpSource, { ffmpegPath: script }), { clock: systemClock, log, killGraceMs: 200 });
    const seqs: number[] = [];
    driver.on('frame', (frame) => {
      seqs.push(frame.seq);
      if (frame.seq === 1) {
        // A consumer hogging the loop (synchronous inference): the burst arrives meanwhile.
        const until = Date.now() + 1_200;
        while (Date.now() < until) {
          // busy
        }
      }
    });
    await driver.open();
    await waitUntil('burst handled', () => seqs.includes(6));
    expect(seqs).toEqual([1, 6]);
    expect(driver.counters().droppedFrames).toBe(4);
    expect(driver.latestFrame()?.jpeg.equals(images[5] as Buffer)).toBe(true);
    await driver.close();
  });

  it('close() ends a process that ignores SIGTERM (SIGKILL after the grace period)', async () => {
    const script = standIn('stubborn-ffmpeg', `cat ${join(dir, 'img1.jpg')}`);
    const { log } = captureLog();
    const driver = new FfmpegCamera(config('stubborn', httpSource, { ffmpegPath: script }), { clock: systemClock, log, killGraceMs: 200 });
    await driver.open();
    const running = () => childProcesses('sleep', (cmdline) => cmdline.startsWith('sleep'));
    await waitUntil('stand-in sleeping', () => running().length === 1);
    await driver.close();
    expect(running()).toEqual([]);
  });

  it('the watchdog stops a process that sends nothing more and reports down with the silence', async () => {
    const script = standIn('frozen-ffmpeg', `cat ${join(dir, 'img1.jpg')}`);
    const { log } = captureLog();
    const driver = new FfmpegCamera(config('frozen', httpSource, { ffmpegPath: script, stallTimeoutMs: 500 }), {
      clock: systemClock,
      log,
      killGraceMs: 200,
    });
    const downs: string[] = [];
    driver.on('down', (reason) => void downs.push(reason));
    await driver.open();
    await waitUntil('watchdog', () => downs.length === 1);
    expect(downs[0]).toMatch(/^watchdog: no frame for \d+ ms \(limit 500 ms\)$/);
    expect(driver.counters().stalls).toBe(1);
    await driver.close();
    expect(childProcesses('sleep', (cmdline) => cmdline.startsWith('sleep'))).toEqual([]);
  });
});
