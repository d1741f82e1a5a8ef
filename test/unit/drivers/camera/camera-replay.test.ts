import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../../../drivers/camera/camera.js';
import { CameraReplay } from '../../../../drivers/camera/camera-replay.js';
import { cameraReplayConfigSchema } from '../../../../drivers/camera/camera-replay.config.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { LogCapture } from '../../../helpers/log-capture.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { makeJpeg } from './jpeg-fixtures.js';

let root = '';
let folder = ''; // img1 (32 wide), img2 (40), img10 (48), notes.txt
let sizes: Record<string, Buffer> = {};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'lane-replay-'));
  folder = join(root, 'good');
  mkdirSync(folder);
  sizes = { img1: await makeJpeg(32, 24, { seed: 1 }), img2: await makeJpeg(40, 24, { seed: 2 }), img10: await makeJpeg(48, 24, { seed: 3 }) };
  for (const [name, data] of Object.entries(sizes)) writeFileSync(join(folder, `${name}.jpg`), data);
  writeFileSync(join(folder, 'notes.txt'), 'not an image, not even looked at');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function replay(path: string, extra: Record<string, unknown> = {}): { driver: CameraReplay; clock: FakeClock; frames: CameraFrame[]; logs: LogCapture } {
  const clock = new FakeClock();
  const logs = new LogCapture();
  const log = new LogHub({ level: 'debug', destination: logs }).root;
  const config = cameraReplayConfigSchema.parse({ type: 'camera-replay', name: 'replay', path, fps: 5, ...extra });
  const driver = new CameraReplay(config, { clock, log });
  const frames: CameraFrame[] = [];
  driver.on('frame', (frame) => void frames.push(frame));
  return { driver, clock, frames, logs };
}

/** Real file reads complete on their own; wait for them (a failure bound, not a timing assertion). */
async function until(what: string, predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** One period of the clock, then the read it started. */
async function nextFrame(r: { clock: FakeClock; frames: CameraFrame[] }, periodMs = 200): Promise<CameraFrame> {
  const count = r.frames.length;
  r.clock.advance(periodMs);
  await until(`frame ${count + 1}`, () => r.frames.length > count);
  return r.frames[count] as CameraFrame;
}

describe('CameraReplay', () => {
  it('plays the JPEG files in natural name order at the configured rate, looping, with rising seq', async () => {
    const r = replay(folder);
    await r.driver.open();
    await until('first frame at once', () => r.frames.length === 1);
    for (let i = 0; i < 4; i++) await nextFrame(r);
    expect(r.frames.map((f) => f.width)).toEqual([32, 40, 48, 32, 40]); // img1, img2, img10, then again
    expect(r.frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(r.frames[2]?.jpeg.equals(sizes.img10 as Buffer)).toBe(true);
    expect(r.frames[1]?.at).toBe(r.frames[0]!.at + 200);
    const counters = r.driver.counters();
    expect(counters).toMatchObject({ frames: 5, loops: 1, files: 3, badFiles: 0, droppedFrames: 0, restarts: 0, lastFrameAgeMs: 0 });
    expect(counters.fps).toBeGreaterThan(0);
    expect(r.driver.latestFrame()?.seq).toBe(5);
    await r.driver.close();
    expect(r.clock.pendingTimers()).toBe(0);
  });

  it('plays a single file', async () => {
    const r = replay(join(folder, 'img2.jpg'));
    await r.driver.open();
    await until('first frame', () => r.frames.length === 1);
    await nextFrame(r);
    expect(r.frames.map((f) => f.width)).toEqual([40, 40]);
    await r.driver.close();
  });

  it('skips a file that is not a JPEG, counts it, and names only the file in the log', async () => {
    const dir = join(root, 'mixed');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jpg'), sizes.img1 as Buffer);
    const broken = Buffer.from('PASSPORT-B1234567 pretending to be a jpeg');
    writeFileSync(join(dir, 'b.jpg'), broken);
    writeFileSync(join(dir, 'c.jpeg'), sizes.img2 as Buffer);
    const r = replay(dir);
    await r.driver.open();
    await until('first frame', () => r.frames.length === 1);
    r.clock.advance(200); // b.jpg: skipped
    await until('b.jpg looked at', () => r.driver.counters().badFiles === 1);
    await nextFrame(r);
    expect(r.frames.map((f) => f.width)).toEqual([32, 40]);
    expect(r.driver.counters()).toMatchObject({ badFiles: 1, garbageBytes: broken.length, frames: 2 });
    const skipped = r.logs.find('replay file skipped');
    expect(skipped).toEqual([expect.objectContaining({ file: 'b.jpg', reason: 'not a JPEG (no start-of-image marker)' })]);
    expect(r.logs.raw.join('\n')).not.toContain('PASSPORT');
    await r.driver.close();
  });

  it('a slow read is never queued: ticks that find it still running are dropped and counted', async () => {
    const r = replay(folder);
    await r.driver.open(); // the first read starts now
    r.clock.advance(1_000); // five ticks while it is still in flight (the file system answers later)
    await until('first frame', () => r.frames.length === 1);
    expect(r.driver.counters().droppedFrames).toBe(5);
    expect(r.frames).toHaveLength(1);
    await r.driver.close();
  });

  it('loop: false stops after one pass and says so', async () => {
    const r = replay(folder, { loop: false });
    await r.driver.open();
    await until('first frame', () => r.frames.length === 1);
    await nextFrame(r);
    await nextFrame(r);
    r.clock.advance(1_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.frames).toHaveLength(3);
    expect(r.driver.counters().finished).toBe(1);
    expect(r.clock.pendingTimers()).toBe(0);
    await r.driver.close();
  });

  it.each([
    ['a missing folder', () => join(root, 'absent'), /^ENOENT: replay folder or file not readable \(.*absent\)$/],
    ['a folder without JPEG files', () => mkdtempSync(join(root, 'empty-')), /^ENODATA: no \.jpg\/\.jpeg files in the replay folder \(.*empty-\w+\)$/],
  ])('refuses to open %s with a reason naming the path', async (_what, path, reason) => {
    const r = replay(path());
    await expect(r.driver.open()).rejects.toThrow(reason);
    expect(r.clock.pendingTimers()).toBe(0);
    await r.driver.close();
  });

  it('a pass without a single readable image reports down; the supervisor shows why and retries', async () => {
    const leaks = trackHandles();
    const dir = join(root, 'all-bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.jpg'), 'nope');
    writeFileSync(join(dir, 'y.jpg'), (sizes.img1 as Buffer).subarray(0, 100));
    const r = replay(dir);
    const supervisor = new DeviceSupervisor(r.driver, { clock: r.clock, log: new LogHub({ level: 'silent' }).root });
    await supervisor.start();
    expect(supervisor.health().state).toBe('ok');
    await until('x.jpg looked at', () => r.driver.counters().badFiles === 1);
    r.clock.advance(200);
    await until('y.jpg looked at', () => r.driver.counters().badFiles === 2);
    r.clock.advance(200);
    await until('down reported', () => supervisor.health().state === 'failed');
    expect(supervisor.health().lastError).toBe(`no readable JPEG among 2 file(s) in ${dir}`);
    // Backoff, then opened again (the retry timer is set once close() has finished, so keep time moving).
    await until('reopened', () => {
      r.clock.advance(100);
      return supervisor.health().counters.openAttempts === 2;
    });
    await supervisor.stop();
    expect(r.clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });

  it('the folder disappearing is an unplug: the supervisor notices through devicePath', async () => {
    const dir = join(root, 'vanishing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jpg'), sizes.img1 as Buffer);
    const r = replay(dir);
    expect(r.driver.devicePath).toBe(dir);
    const supervisor = new DeviceSupervisor(r.driver, { clock: r.clock, log: new LogHub({ level: 'silent' }).root });
    await supervisor.start();
    await until('first frame', () => r.frames.length === 1);
    rmSync(dir, { recursive: true });
    r.clock.advance(250);
    expect(supervisor.health().state).toBe('failed');
    expect(supervisor.health().lastError).toBe(`device path vanished: ${dir}`);
    await supervisor.stop();
  });
});
