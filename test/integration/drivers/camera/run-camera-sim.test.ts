import { spawn, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { inspectJpeg } from '../../../../drivers/camera/jpeg-splitter.js';
import { ffmpegMissing } from './ffmpeg-available.js';

/** The runnable simulator, from dist/ as the demo runs it (built by the test globalSetup). */
const ENTRY = join(import.meta.dirname, '..', '..', '..', '..', 'dist', 'drivers', 'sim', 'camera', 'run-camera-sim.js');

function fetchBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    }).on('error', reject);
  });
}

describe('run-camera-sim (the demo camera)', () => {
  it('refuses bad arguments with exit code 2 and a usage line', () => {
    const result = spawnSync(process.execPath, [ENTRY, '--http', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--http: not a port: eighty\nusage: run-camera-sim/);
  });

  const missing = ffmpegMissing();
  it.skipIf(missing !== null)(`serves HTTP and RTSP cameras, obeys stdin commands and stops on 'stop'${missing ? ` (${missing})` : ''}`, async () => {
    const child = spawn(process.execPath, [ENTRY, '--http', '0', '--rtsp', '0', '--size', '160x120'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const next = (): Promise<Record<string, unknown>> => new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l) as Record<string, unknown>)));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const hello = (await next()) as { http: { snapshot: string; stream: string }; rtsp: string };
      expect(hello.rtsp).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/live$/);
      const snapshot = inspectJpeg(await fetchBytes(hello.http.snapshot));
      expect(snapshot.ok && [snapshot.image.width, snapshot.image.height]).toEqual([160, 120]);
      child.stdin.write('garbage 64\n');
      expect(await next()).toEqual({ ok: true, command: 'garbage', bytes: 64 });
      child.stdin.write('launch\n');
      expect(await next()).toMatchObject({ ok: false, command: 'launch' });
      child.stdin.write('stop\n');
      expect(await exited).toBe(0);
    } finally {
      // SIGTERM, not SIGKILL: the simulator then stops its ffmpeg encoders too.
      if (child.exitCode === null) child.kill('SIGTERM');
    }
  });
});
