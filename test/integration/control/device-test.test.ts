import { afterEach, describe, expect, it } from 'vitest';
import { DeviceSupervisor } from '../../../drivers/supervisor.js';
import { systemClock } from '../../../src/util/clock.js';
import { LogHub } from '../../../src/util/logger.js';
import type { LaneControl } from '../../../src/control/lane-control.js';
import { waitFor } from '../../helpers/daemon-process.js';
import { trackHandles } from '../../helpers/leaks.js';
import { socatMissing } from '../../helpers/pty.js';
import { lanectl } from '../../unit/cli/io.js';
import { startServer, tempDir } from '../../unit/control/harness.js';
import { startSerialScannerRig } from '../drivers/serial-line-scanner-rig.js';
import { LlrpReader } from '../../../drivers/rfid/llrp-reader.js';
import { llrpReaderConfigSchema } from '../../../drivers/rfid/llrp-reader.config.js';
import { startReaderSim } from '../drivers/readers/support/reader-sim-process.js';
import { handleOf, logs } from './device-commands-rig.js';

/**
 * `test scanner` against the REAL serial line scanner driver on a socat pty pair, with the
 * line-scanner simulator (a child process) on the other end; `test rfid` against the real LLRP
 * reader driver talking to the LLRP reader simulator over TCP. Both behind a real control socket.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const CONTENT = 'TOKEN-7fQ2xLr9Kd0Zw3Mv';
const noSocat = socatMissing();

async function rig() {
  const scanner = await startSerialScannerRig({ name: 'qr-entry', config: { aimIds: true } });
  cleanups.push(() => scanner.cleanup());
  const supervisor = new DeviceSupervisor(scanner.driver, { clock: systemClock, log: scanner.log, watchIntervalMs: 100 });
  await supervisor.start();
  cleanups.push(() => supervisor.stop());
  await waitFor(() => (supervisor.health().state === 'ok' ? true : undefined), 15_000, 'the scanner to connect');
  const d = await tempDir();
  cleanups.push(d.cleanup);
  const running = await startServer(d.dir);
  cleanups.push(() => running.server.stop());
  running.context.deviceList = [handleOf(supervisor as unknown as DeviceSupervisor, 'serial-line-scanner')];
  const cli = (...a: string[]) => lanectl(['--socket', running.socketPath, ...a], { now: Date.now });
  return { ...running, scanner, supervisor, cli };
}

describe.skipIf(noSocat !== null)(`test scanner on a real pty${noSocat ? ` (skipped: ${noSocat})` : ''}`, () => {
  it('reports the symbology and length of the code presented during the window, never its content', async () => {
    const leaks = trackHandles();
    const r = await rig();
    const run = r.cli('test', 'scanner', 'qr-entry', '--seconds', '20', '--json');
    // Present the code once the test listens (the read window is open).
    await waitFor(() => (r.scanner.driver.listenerCount('code') > 0 ? true : undefined), 15_000, 'the read window');
    await r.scanner.sim.code(`]Q1${CONTENT}`);
    const res = await run;
    expect(res.code, res.stderr).toBe(0);
    expect(res.lastJson()).toMatchObject({ kind: 'scanner', passed: true, code: { symbology: ']Q1', length: CONTENT.length } });
    const latency = (res.lastJson() as { code: { latencyMs: number } }).code.latencyMs;
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(20_000);
    const human = await r.cli('test', 'scanner', 'qr-entry', '--seconds', '1');
    expect(human.code).toBe(1); // nobody presented a code this time
    for (const text of [res.stdout, res.stderr, human.stdout, human.stderr, r.logs.join('\n'), r.scanner.logText()]) expect(text).not.toContain(CONTENT);
    expect(r.scanner.driver.listenerCount('code')).toBe(0);
    while (cleanups.length) await cleanups.pop()!();
    await leaks.assertNoneLeft();
  });

  it('refuses in normal lane mode, and says the scanner is down after an unplug', async () => {
    const r = await rig();
    r.context.laneControl = { snapshot: () => ({ mode: 'normal' }) } as unknown as LaneControl;
    const busy = await r.cli('test', 'scanner', 'qr-entry', '--json');
    expect(busy.lastJson()).toMatchObject({ error: { code: 'lane_busy' } });
    r.context.laneControl = null;
    await r.scanner.unplug();
    await waitFor(() => (r.supervisor.health().state !== 'ok' ? true : undefined), 15_000, 'the supervisor to notice the unplug');
    const down = await r.cli('test', 'scanner', 'qr-entry', '--json');
    expect(down.code).toBe(1);
    expect(down.lastJson()).toMatchObject({ error: { code: 'device_down', message: expect.stringContaining("scanner 'qr-entry' is") as string } });
  });
});

describe('test rfid on a real LLRP reader (simulator over TCP)', () => {
  it('counts the tags in the field with their RSSI and antennas; EPCs shortened', async () => {
    const EPC_1 = 'E2801160600002084E3C1D4B';
    const EPC_2 = '300833B2DDD9014000000001';
    const sim = await startReaderSim({ kind: 'llrp', options: { reportIntervalMs: 20 } });
    cleanups.push(() => sim.stop());
    const log = new LogHub({ level: 'debug', throttleWindowMs: 0, destination: logs }).child('drivers', { device: 'uhf-1' });
    const config = llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'uhf-1', host: '127.0.0.1', port: Number(sim.ready.port), keepaliveMs: 300, connectTimeoutMs: 2_000, dedupeWindowMs: 300 });
    const supervisor = new DeviceSupervisor(new LlrpReader(config, { clock: systemClock, log }), { clock: systemClock, log, watchIntervalMs: 100 });
    await supervisor.start();
    cleanups.push(() => supervisor.stop());
    await waitFor(() => (supervisor.health().state === 'ok' ? true : undefined), 15_000, 'the reader to connect');
    const d = await tempDir();
    cleanups.push(d.cleanup);
    const running = await startServer(d.dir);
    cleanups.push(() => running.server.stop());
    running.context.deviceList = [handleOf(supervisor as unknown as DeviceSupervisor, 'llrp-reader')];
    await sim.send({ op: 'tags', tags: [{ epc: EPC_1, rssi: -48, antenna: 2 }, { epc: EPC_2, rssi: -70, antenna: 1 }] });
    const res = await lanectl(['--socket', running.socketPath, 'test', 'rfid', 'uhf-1', '--seconds', '2', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const out = res.lastJson() as { reads: number; tags: Array<{ epc: string; reads: number; antennas: number[]; rssiMax: number | null }> };
    const byEpc = new Map(out.tags.map((t) => [t.epc, t]));
    expect([...byEpc.keys()].sort()).toEqual(['3008…0001', 'E280…1D4B']);
    expect(byEpc.get('E280…1D4B')).toMatchObject({ antennas: [2], rssiMax: -48 });
    expect(byEpc.get('3008…0001')).toMatchObject({ antennas: [1], rssiMax: -70 });
    expect(out.reads).toBeGreaterThanOrEqual(2);
    expect(res.stdout).not.toContain(EPC_1);

    await sim.send({ op: 'tags', tags: [] });
    // Tags still being reported when the field was emptied may show up for a moment; wait for silence.
    const empty = await waitFor(async () => {
      const r = await lanectl(['--socket', running.socketPath, 'test', 'rfid', 'uhf-1', '--seconds', '1']);
      return r.code === 1 ? r : undefined;
    }, 20_000, 'a window without tags');
    expect(empty.stdout).toContain('no tag read in 1 s');
  });
});
