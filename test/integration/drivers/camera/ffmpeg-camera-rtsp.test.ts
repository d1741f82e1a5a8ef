import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cameraConfigSchema } from '../../../../drivers/camera/camera.config.js';
import { FfmpegCamera } from '../../../../drivers/camera/ffmpeg-camera.js';
import { RtspCameraSim } from '../../../../drivers/sim/camera/rtsp-camera-sim.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { waitUntil } from '../support/wait.js';
import { describeCameraContract } from './camera-contract.js';
import { captureLog, collectFrames, type CameraRig } from './camera-rig.js';
import { ffmpegMissing } from './ffmpeg-available.js';

/** A credential in the URL: the simulator does not ask for it, but ffmpeg prints the URL in its errors. */
const SECRET = 'Rtsp-pw-91x-never-logged';

async function rtspRig(name: string, sim: RtspCameraSim): Promise<CameraRig> {
  await sim.start();
  const { log, text } = captureLog();
  const url = sim.url('/live').replace('rtsp://', `rtsp://admin:${SECRET}@`);
  const config = cameraConfigSchema.parse({
    type: 'camera',
    name,
    source: { kind: 'rtsp', url },
    fps: 5,
    width: 160,
    height: 90, // forced size, aspect ratio not kept: 320x240 -> 160x90
    stallTimeoutMs: 1_500,
    connectTimeoutMs: 5_000,
  });
  const driver = new FfmpegCamera(config, { clock: systemClock, log, killGraceMs: 500 });
  return {
    driver,
    width: 160,
    height: 90,
    freeze: () => sim.freeze(),
    resume: () => sim.resume(),
    die: () => sim.die(),
    revive: () => sim.revive(),
    cleanup: () => sim.stop(),
    log,
    logText: text,
    secret: SECRET,
  };
}

const missing = ffmpegMissing();

if (missing) {
  describe.skip(`ffmpeg camera over RTSP (${missing})`, () => {
    it('needs ffmpeg', () => undefined);
  });
} else {
  describeCameraContract('rtsp (H.264 over interleaved TCP)', ({ name }) => rtspRig(name, new RtspCameraSim()));

  describe('ffmpeg camera over RTSP: transport', () => {
    let sim: RtspCameraSim | null = null;
    let supervisor: DeviceSupervisor | null = null;

    afterEach(async () => {
      await supervisor?.stop();
      await sim?.stop();
      supervisor = null;
      sim = null;
    });

    it('plays over interleaved TCP: the server, which refuses UDP, served PLAY and relayed RTP on the RTSP connection', async () => {
      sim = new RtspCameraSim();
      const rig = await rtspRig('tcp-cam', sim);
      supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log });
      await supervisor.start();
      expect(supervisor.health().state).toBe('ok');
      const got = collectFrames(rig.driver);
      await waitUntil('frames', () => got.frames.length >= 3);
      expect(sim.stats.rejectedUdp).toBe(0);
      expect(sim.stats.plays).toBe(1);
      expect(sim.playingClients()).toBe(1);
      expect(sim.stats.packets).toBeGreaterThan(0);
      got.detach();
      await supervisor.stop();
      // ffmpeg was stopped with SIGTERM, so it said TEARDOWN (or at least closed) before exiting.
      await waitUntil('client gone', () => sim?.playingClients() === 0);
    });
  });

  describe('RtspCameraSim (the test is only as good as its server)', () => {
    it('refuses a client asking for UDP with 461, so the TCP check above can fail', async () => {
      const sim = new RtspCameraSim();
      await sim.start();
      try {
        const result = await runFfmpeg(['-rtsp_transport', 'udp', '-timeout', '3000000', '-i', sim.url('/live'), '-frames:v', '1', '-f', 'null', '-']);
        expect(result.code).not.toBe(0);
        expect(result.stderr).toMatch(/461 Unsupported Transport/);
        expect(sim.stats.rejectedUdp).toBeGreaterThanOrEqual(1);
      } finally {
        await sim.stop();
      }
    });
  });
}

/** Plain ffmpeg as a second RTSP client (asynchronous: the simulator runs in this process). */
function runFfmpeg(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
