import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_BYTES } from '../../../src/control/commands/snapshot.js';
import { waitFor } from '../../helpers/daemon-process.js';
import { lanectl } from '../cli/io.js';
import { FakeCamera, FakeScanner, frame, handleFor, jpegBytes } from './fake-devices.js';
import { health, startServer, tempDir } from './harness.js';

/** `snapshot CAMERA FILE` against a fake camera behind a real control socket; lanectl writes FILE. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig() {
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  const camera = new FakeCamera('face-cam');
  const second = new FakeCamera('plate-rear');
  running.context.deviceList = [handleFor(new FakeScanner('qr-entry'), 'serial-line-scanner'), handleFor(camera, 'camera-replay'), handleFor(second, 'ffmpeg-camera')];
  const cli = (...a: string[]) => lanectl(['--socket', running.socketPath, ...a]);
  return { ...running, dir: d.dir, camera, cli };
}

const listening = (c: FakeCamera) => waitFor(() => (c.listenerCount('frame') > 0 ? true : undefined), 10_000, 'the snapshot to wait for a frame');

describe('lanectl snapshot', () => {
  it('waits for the next frame and writes it byte for byte, mode 0600, without the image in the JSON line', async () => {
    const r = await rig();
    const file = join(r.dir, 'shot.jpg');
    const run = r.cli('snapshot', 'face-cam', file, '--json');
    await listening(r.camera);
    const jpeg = jpegBytes(50_000, 0x17);
    r.camera.send('frame', frame(42, jpeg));
    const res = await run;
    expect(res.code).toBe(0);
    expect(readFileSync(file).equals(jpeg)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const out = res.lastJson();
    expect(out).toMatchObject({ ok: true, camera: 'face-cam', seq: 42, width: 640, height: 480, bytes: 50_000, file, sha256: createHash('sha256').update(jpeg).digest('hex') });
    expect(out).not.toHaveProperty('jpegBase64');
    expect(r.camera.listenerCount('frame')).toBe(0);
  });

  it('says when no frame came in time, with the camera state, and writes nothing', async () => {
    const r = await rig();
    const file = join(r.dir, 'none.jpg');
    const res = await r.cli('snapshot', 'face-cam', file, '--wait', '0.5');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no frame from camera 'face-cam' within 500 ms; camera 'face-cam' is ok/);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a camera that is down at once, and non-camera devices with the list of cameras', async () => {
    const r = await rig();
    r.context.deviceList[1] = handleFor(r.camera, 'camera-replay', () => health('failed', { lastError: 'ENOENT: replay folder not readable' }));
    const down = await r.cli('snapshot', 'face-cam', join(r.dir, 'x.jpg'), '--json');
    expect(down.lastJson()).toMatchObject({ ok: false, error: { code: 'device_down' } });
    const scanner = await r.cli('snapshot', 'qr-entry', join(r.dir, 'x.jpg'), '--json');
    expect(scanner.code).toBe(1);
    expect(scanner.lastJson()).toMatchObject({ error: { code: 'wrong_kind', message: expect.stringContaining('camera devices: face-cam, plate-rear') as string } });
  });

  it('refuses a frame too large for the control socket, and reports a file it cannot write', async () => {
    const r = await rig();
    const big = r.cli('snapshot', 'face-cam', join(r.dir, 'big.jpg'), '--json');
    await listening(r.camera);
    r.camera.send('frame', frame(1, jpegBytes(MAX_SNAPSHOT_BYTES + 1)));
    expect((await big).lastJson()).toMatchObject({ ok: false, error: { code: 'too_large' } });
    // Exactly at the cap still fits the reply line (and the server's 4 MiB unread-reply limit).
    const atCap = r.cli('snapshot', 'face-cam', join(r.dir, 'cap.jpg'), '--json');
    await listening(r.camera);
    r.camera.send('frame', frame(1, jpegBytes(MAX_SNAPSHOT_BYTES)));
    expect((await atCap).lastJson()).toMatchObject({ ok: true, bytes: MAX_SNAPSHOT_BYTES });
    expect(statSync(join(r.dir, 'cap.jpg')).size).toBe(MAX_SNAPSHOT_BYTES);

    const unwritable = r.cli('snapshot', 'face-cam', join(r.dir, 'no-such-dir', 'x.jpg'), '--json');
    await listening(r.camera);
    r.camera.send('frame', frame(2));
    const res = await unwritable;
    expect(res.code).toBe(1);
    expect(res.lastJson()).toMatchObject({ ok: false, error: { code: 'write_failed', message: expect.stringContaining('ENOENT') as string } });
  });

  it('the daemon never takes a path: a request naming a file is refused', async () => {
    const r = await rig();
    const { exchange, parse } = await import('./harness.js');
    const reply = await exchange(r.socketPath, `${JSON.stringify({ id: 1, cmd: 'snapshot', args: { camera: 'face-cam', waitMs: 500, file: '/etc/passwd' } })}\n`);
    expect(parse(reply.lines[0])).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await r.cli('snapshot', 'face-cam')).code).toBe(2);
  });
});
