import { afterEach, describe, expect, it } from 'vitest';
import type { LaneControl, LaneServiceMode } from '../../../src/control/lane-control.js';
import { waitFor } from '../../helpers/daemon-process.js';
import { testCameraCommand } from '../../../src/control/commands/device-test.js';
import { lanectl } from '../cli/io.js';
import { FakeCamera, FakeRfid, FakeScanner, code, frame, handleFor, jpegBytes, tag } from './fake-devices.js';
import { health, startServer, tempDir, type Running } from './harness.js';

/** `test scanner|rfid|camera` against fake drivers behind a real control socket. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const SECRET = 'TOK-secret-payload-0123456789';

async function rig(): Promise<Running & { scanner: FakeScanner; rfid: FakeRfid; camera: FakeCamera; cli: (...a: string[]) => ReturnType<typeof lanectl> }> {
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  const scanner = new FakeScanner('qr-entry');
  const rfid = new FakeRfid('uhf-1');
  const camera = new FakeCamera('plate-front');
  running.context.deviceList = [handleFor(scanner, 'serial-line-scanner'), handleFor(rfid, 'llrp-reader'), handleFor(camera, 'camera-replay')];
  return { ...running, scanner, rfid, camera, cli: (...a: string[]) => lanectl(['--socket', running.socketPath, ...a]) };
}

function laneIn(mode: LaneServiceMode): LaneControl {
  return { snapshot: () => ({ kind: 'people', phase: 'idle', mode, suspended: [], barriers: {}, presence: {}, signal: 'red', passagesDecided: 0 }) } as unknown as LaneControl;
}

describe('lanectl test scanner', () => {
  it('opens a read window, reports symbology, length and latency of the first code, never its content', async () => {
    const r = await rig();
    const run = r.cli('test', 'scanner', 'qr-entry', '--seconds', '20', '--json');
    await waitFor(() => (r.scanner.listenerCount('code') > 0 ? true : undefined), 10_000, 'the test to listen');
    r.scanner.send('code', code(SECRET));
    const res = await run;
    expect(res.code).toBe(0);
    expect(r.scanner.windows).toEqual([20_000]);
    expect(r.scanner.closes).toBe(1);
    expect(r.scanner.listenerCount('code')).toBe(0);
    expect(res.lastJson()).toMatchObject({ kind: 'scanner', passed: true, code: { symbology: ']Q1', length: SECRET.length } });
    expect(res.stdout).not.toContain(SECRET);
    expect(r.logs.join('\n')).not.toContain(SECRET);
  });

  it('fails (exit 1) with what to check when no code arrives in the window', async () => {
    const r = await rig();
    const res = await r.cli('test', 'scanner', 'qr-entry', '--seconds', '1');
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/result\s+FAIL: no code read in 1 s/);
    expect(r.scanner.closes).toBe(1);
  });

  it('refuses while the lane admits travellers: a test code would reach the passage flow', async () => {
    const r = await rig();
    r.context.laneControl = laneIn('normal');
    const res = await r.cli('test', 'scanner', 'qr-entry', '--json');
    expect(res.code).toBe(1);
    expect(res.lastJson()).toMatchObject({ ok: false, error: { code: 'lane_busy' } });
    expect(r.scanner.windows).toEqual([]);
    r.context.laneControl = laneIn('maintenance');
    const run = r.cli('test', 'scanner', 'qr-entry', '--json');
    await waitFor(() => (r.scanner.listenerCount('code') > 0 ? true : undefined), 10_000, 'the test to listen');
    r.scanner.send('code', code('x'.repeat(20), null));
    expect((await run).lastJson()).toMatchObject({ passed: true, code: { symbology: null, length: 20 } });
  });

  it('refuses unknown names, devices of another kind and a device that is down, listing what would work', async () => {
    const r = await rig();
    const unknown = await r.cli('test', 'scanner', 'nope', '--json');
    expect(unknown.lastJson()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('scanner devices: qr-entry') as string } });
    const wrong = await r.cli('test', 'scanner', 'uhf-1', '--json');
    expect(wrong.lastJson()).toMatchObject({ error: { code: 'wrong_kind', message: expect.stringContaining("'uhf-1' is a rfid (llrp-reader)") as string } });
    r.context.deviceList[0] = handleFor(r.scanner, 'serial-line-scanner', () => health('failed', { lastError: 'ENOENT /dev/ttyACM0' }));
    const down = await r.cli('test', 'scanner', 'qr-entry');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("scanner 'qr-entry' is failed (ENOENT /dev/ttyACM0)");
  });

  it('checks its arguments: --seconds range, one name', async () => {
    const r = await rig();
    expect((await r.cli('test', 'scanner', 'qr-entry', '--seconds', '31')).code).toBe(2);
    expect((await r.cli('test', 'scanner', 'qr-entry', '--seconds=0')).code).toBe(2);
    expect((await r.cli('test', 'scanner')).code).toBe(2);
    expect((await r.cli('test', 'scanner', 'a', 'b')).code).toBe(2);
  });
});

describe('lanectl test rfid', () => {
  it('counts reads per tag with RSSI and antennas, EPCs shortened', async () => {
    const r = await rig();
    const run = r.cli('test', 'rfid', 'uhf-1', '--seconds', '2', '--json');
    await waitFor(() => (r.rfid.listenerCount('tag') > 0 ? true : undefined), 10_000, 'the test to listen');
    const epc = 'E2801160600002084E3C1D4B';
    r.rfid.send('tag', tag(epc, -60, 1));
    r.rfid.send('tag', tag(epc, -50, 2));
    r.rfid.send('tag', tag('300833B2DDD9014000000001', null, null));
    const res = await run;
    expect(res.code).toBe(0);
    const out = res.lastJson() as { reads: number; tags: Array<Record<string, unknown>> };
    expect(out.reads).toBe(3);
    expect(out.tags[0]).toEqual({ epc: 'E280…1D4B', reads: 2, antennas: [1, 2], rssiMin: -60, rssiMax: -50, rssiAvg: -55 });
    expect(out.tags[1]).toMatchObject({ epc: '3008…0001', reads: 1, rssiAvg: null });
    expect(res.stdout).not.toContain(epc);
    expect(r.rfid.listenerCount('tag')).toBe(0);
  });

  it('fails with a hint when no tag is read', async () => {
    const r = await rig();
    const res = await r.cli('test', 'rfid', 'uhf-1', '--seconds', '1');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('hold a tag in the field');
  });
});

describe('lanectl test camera', () => {
  it('reports frames, fps, size, skipped frames and last-frame age over the window', async () => {
    const r = await rig();
    const run = r.cli('test', 'camera', 'plate-front', '--seconds', '2', '--json');
    await waitFor(() => (r.camera.listenerCount('frame') > 0 ? true : undefined), 10_000, 'the test to listen');
    r.camera.send('frame', frame(10, jpegBytes(1000)));
    r.camera.send('frame', frame(11, jpegBytes(2000)));
    r.camera.send('frame', frame(14, jpegBytes(3000)));
    const res = await run;
    expect(res.code).toBe(0);
    expect(res.lastJson()).toMatchObject({ kind: 'camera', passed: true, frames: 3, sizes: ['640x480'], avgBytes: 2000, skipped: 2 });
    const human = await r.cli('test', 'camera', 'plate-front', '--seconds', '1');
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/frames\s+0 \(0 fps\)/);
  });

  it('prints a progress line per second while waiting, in human mode only', async () => {
    // lanectl hands the command a progress sink (stderr) in human mode; here the sink is a list.
    const lines: string[] = [];
    const reply = { kind: 'camera', device: 'plate-front', type: 'camera-replay', seconds: 3, passed: true, verdict: 'frames arriving', frames: 1, fps: 0.3, sizes: ['640x480'], avgBytes: 10, skipped: 0, maxGapMs: null, lastFrameAgeMs: 5 };
    const slowCall = async () => {
      await new Promise((res) => setTimeout(res, 2_500));
      return reply as never;
    };
    const clientVersion = { name: 'lane-controller', version: '0', node: 'v20', commit: null };
    const args = { device: 'plate-front', seconds: 3 };
    const out = await testCameraCommand.clientRun!({ json: false, clientVersion, call: slowCall, progress: (l: string) => lines.push(l) } as never, args, { now: 0 });
    expect(out.exitCode).toBe(0);
    expect(lines[0]).toBe('test camera: testing plate-front for 3 s ...');
    expect(lines).toContain('test camera: 1/3 s');
    const quiet: string[] = [];
    await testCameraCommand.clientRun!({ json: true, clientVersion, call: slowCall, progress: (l: string) => quiet.push(l) } as never, args, { now: 0 });
    expect(quiet).toEqual([]);
  });
});
