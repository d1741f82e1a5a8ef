import { describe, expect, it } from 'vitest';
import { CameraReplay } from '../../../../drivers/camera/camera-replay.js';
import { FfmpegCamera } from '../../../../drivers/camera/ffmpeg-camera.js';
import { deviceConfigSchema } from '../../../../drivers/config-schemas.js';
import { createDevice } from '../../../../drivers/registry.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;

describe('createDevice for cameras', () => {
  it('builds a supervised FfmpegCamera for type camera without starting anything', () => {
    const config = deviceConfigSchema.parse({ type: 'camera', name: 'plate-cam', source: { kind: 'rtsp', url: 'rtsp://10.0.0.9/s' } });
    if (config.type !== 'camera') throw new Error('schema picked the wrong type');
    const device = createDevice(config, { clock: new FakeClock(), log });
    expect(device.name).toBe('device:plate-cam');
    expect(device.driver).toBeInstanceOf(FfmpegCamera);
    expect(device.driver.kind).toBe('camera');
    expect(device.driver.devicePath).toBeUndefined();
    expect(device.driver.latestFrame()).toBeNull();
    expect(device.health().state).toBe('stopped');
    expect(device.health().counters).toMatchObject({ frames: 0, fps: 0, lastFrameAgeMs: -1, restarts: 0, droppedFrames: 0, garbageBytes: 0 });
  });

  it('builds a supervised CameraReplay for type camera-replay; a missing folder fails with a reason', async () => {
    const leaks = trackHandles();
    const config = deviceConfigSchema.parse({ type: 'camera-replay', name: 'replay', path: '/nonexistent/replay-folder' });
    if (config.type !== 'camera-replay') throw new Error('schema picked the wrong type');
    const clock = new FakeClock();
    const device = createDevice(config, { clock, log });
    expect(device.driver).toBeInstanceOf(CameraReplay);
    await device.start();
    expect(device.health().state).toBe('failed');
    expect(device.health().lastError).toBe('ENOENT: replay folder or file not readable (/nonexistent/replay-folder)');
    await device.stop();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });
});
