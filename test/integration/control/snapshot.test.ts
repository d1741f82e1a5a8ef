import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/daemon-process.js';
import { trackHandles } from '../../helpers/leaks.js';
import { lanectl } from '../../unit/cli/io.js';
import { startServer, tempDir } from '../../unit/control/harness.js';
import { handleOf, replayCamera } from './device-commands-rig.js';

/**
 * `snapshot`, `test camera` and `devices` against a REAL replay camera (JPEG files on disk, the
 * daemon's driver registry and supervisor) behind a real control socket, driven through lanectl.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(fps = 10) {
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const cam = await replayCamera('gate-cam', fps);
  cleanups.push(cam.cleanup);
  await cam.supervisor.start();
  cleanups.push(() => cam.supervisor.stop());
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  running.context.deviceList = [handleOf(cam.supervisor, 'camera-replay')];
  const cli = (...a: string[]) => lanectl(['--socket', running.socketPath, ...a], { now: Date.now });
  return { ...running, ...cam, dir: d.dir, cli };
}

describe('device commands on a real replay camera', () => {
  it('snapshot writes the next frame, byte for byte one of the replayed files', async () => {
    const leaks = trackHandles();
    const r = await rig();
    const file = join(r.dir, 'gate.jpg');
    const res = await r.cli('snapshot', 'gate-cam', file, '--json');
    expect(res.code, res.stderr).toBe(0);
    const written = readFileSync(file);
    expect(r.images.some((img) => img.equals(written))).toBe(true);
    expect(res.lastJson()).toMatchObject({ ok: true, width: 64, height: 48, bytes: written.length, file });
    while (cleanups.length) await cleanups.pop()!();
    await leaks.assertNoneLeft();
  });

  it('test camera measures frames, fps and size; devices shows the camera ok', async () => {
    const r = await rig(10);
    const res = await r.cli('test', 'camera', 'gate-cam', '--seconds', '2', '--json');
    expect(res.code, res.stderr).toBe(0);
    const out = res.lastJson() as { frames: number; fps: number; sizes: string[]; lastFrameAgeMs: number; passed: boolean };
    expect(out.passed).toBe(true);
    expect(out.sizes).toEqual(['64x48']);
    // A loaded machine may deliver fewer than 10 fps; it must deliver some, and never more than configured.
    expect(out.frames).toBeGreaterThan(2);
    expect(out.fps).toBeLessThanOrEqual(12);
    expect(out.lastFrameAgeMs).toBeGreaterThanOrEqual(0);
    const devices = await r.cli('devices');
    expect(devices.code).toBe(0);
    expect(devices.stdout).toMatch(/gate-cam\s+camera-replay\s+camera\s+ok\s+.*fps=\d/);
  });

  it('when the camera goes away: devices exits 1 with the reason, snapshot says the camera is down', async () => {
    const r = await rig();
    rmSync(r.folder, { recursive: true, force: true }); // the replay camera's "unplug"
    const down = await waitFor(async () => {
      const res = await r.cli('devices', '--json');
      return res.code === 1 ? res : undefined;
    }, 15_000, 'the supervisor to notice the camera is gone');
    expect(down.lastJson()).toMatchObject({ healthy: false, devices: [{ name: 'gate-cam', lastError: expect.any(String) as string }] });
    const snap = await r.cli('snapshot', 'gate-cam', join(r.dir, 'x.jpg'), '--json', '--wait', '1');
    expect(snap.code).toBe(1);
    const err = (snap.lastJson() as { error: { code: string; message: string } }).error;
    expect(['device_down', 'no_frame']).toContain(err.code);
    expect(err.message).toContain("camera 'gate-cam' is");
  });
});
