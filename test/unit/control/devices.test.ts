import { afterEach, describe, expect, it } from 'vitest';
import { lanectl } from '../cli/io.js';
import { FakeCamera, FakeScanner, handleFor } from './fake-devices.js';
import { health, startServer, tempDir, type Running } from './harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(): Promise<Running & { cli: (...a: string[]) => ReturnType<typeof lanectl> }> {
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  return { ...running, cli: (...a: string[]) => lanectl(['--socket', running.socketPath, ...a]) };
}

describe('lanectl devices', () => {
  it('lists every device in config order with key counters and exits 0 when all are ok', async () => {
    const r = await rig();
    r.context.deviceList = [
      handleFor(new FakeScanner('qr-entry'), 'serial-line-scanner', () => health('ok', { counters: { frames: 12, dropped: 1, errors: 0, bytes: 900 } })),
      handleFor(new FakeCamera('face-cam'), 'camera-replay', () => health('ok', { counters: { fps: 5, lastFrameAgeMs: 80, frames: 300, droppedFrames: 2, restarts: 0 } })),
    ];
    const human = await r.cli('devices');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/DEVICE\s+TYPE\s+KIND\s+STATE\s+SINCE\s+RECONNECTS\s+LAST ERROR\s+COUNTERS/);
    const lines = human.stdout.split('\n');
    expect(lines[1]).toMatch(/^qr-entry\s+serial-line-scanner\s+scanner\s+ok\s+5m00s ago\s+0\s+-\s+frames=12 dropped=1 errors=0/);
    // Four key counters at most, gauges first; everything is in --json.
    expect(lines[2]).toMatch(/face-cam .* fps=5 lastFrameAgeMs=80 frames=300 droppedFrames=2\s*$/);
    expect(human.stdout).toContain('2 devices; all ok');
    const json = await r.cli('devices', '--json');
    expect(json.lastJson()).toMatchObject({ healthy: true, devices: [{ name: 'qr-entry', kind: 'scanner', counters: { bytes: 900 } }, { name: 'face-cam' }] });
  });

  it('exits 1 and says which device is not ok, with its last error', async () => {
    const r = await rig();
    r.context.deviceList = [
      handleFor(new FakeScanner('qr-entry'), 'serial-line-scanner', () => health('failed', { reconnects: 4, lastError: 'ENOENT: port not found (/dev/ttyUSB0)' })),
      handleFor(new FakeCamera('face-cam'), 'camera-replay'),
    ];
    const res = await r.cli('devices');
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/qr-entry\s+serial-line-scanner\s+scanner\s+failed\s+\S+ ago\s+4\s+ENOENT: port not found/);
    expect(res.stdout).toContain('1 NOT ok');
    expect((await r.cli('devices', '--json')).lastJson()).toMatchObject({ healthy: false });
  });

  it('says so when the lane has no devices, and refuses arguments', async () => {
    const r = await rig();
    const none = await r.cli('devices');
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no devices configured');
    expect((await r.cli('devices', 'extra')).code).toBe(2);
  });
});
