import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LaneDaemon } from '../../../src/app/lane-daemon.js';
import { resolveSiteKey } from '../../../src/app/site-key.js';
import { simulateInput } from '../../../src/control/commands/sim-input.js';
import type { LaneControl } from '../../../src/control/lane-control.js';
import { validateConfigText } from '../../../src/settings/validate.js';
import { Store } from '../../../src/store/index.js';
import { systemClock } from '../../../src/util/clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { loadPlateModels, plateModelRegistry } from '../../../src/vision/plate/plate-models.js';
import { PlateReader } from '../../../src/vision/plate/plate-reader.js';
import { generateScene, type SyntheticScene } from '../../../src/vision/scenes/scene-generator.js';
import { ROOT, waitFor } from '../../helpers/daemon-process.js';
import { socatMissing, startPtyPair } from '../../helpers/pty.js';
import { cleanupAfterEach } from './lane-hooks.js';

/**
 * The vehicle lane end to end inside a real LaneDaemon: a loop on fake io, a relay-barrier boom, a
 * UHFReader18 simulator process on a pty, and a replay camera playing a plate scene the project
 * renders itself (src/vision/scenes), read by the real plate models. The store is seeded through
 * its list deltas with the vehicle (plate + EPC) and a cleared consignment.
 */
const skip = socatMissing();
const EPC = 'E28011606000020A1B2C3D4E';
const SECRET = 'integration-site-key-0123456789-abcdefghijklmnop';

const cleanup = cleanupAfterEach();

/** A rendered daytime scene the real reader reads exactly: the test is about the lane, not OCR accuracy. */
async function readableScene(): Promise<SyntheticScene> {
  const reader = new PlateReader(await loadPlateModels(plateModelRegistry()));
  for (let seed = 1; seed <= 12; seed++) {
    const scene = await generateScene(seed, { styles: ['vn-car-long'], nightShare: 0 });
    const read = await reader.readFrame(scene.jpeg);
    if (read.plates.some((p) => p.compact === scene.plate.compact)) return scene;
  }
  throw new Error('no rendered scene of 12 was read exactly by the plate reader');
}

function startRfidSim(path: string): { child: ChildProcess; step(step: object): void } {
  const child = spawn(process.execPath, [join(ROOT, 'dist/drivers/sim/run-serial-sim.js'), '--device', 'uhfreader18', '--path', path, '--options', '{"tags":[]}'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  createInterface({ input: child.stdout! }).on('line', () => undefined);
  return { child, step: (s) => child.stdin!.write(`${JSON.stringify(s)}\n`) };
}

function laneYaml(dataDir: string, rfidPath: string, framesDir: string): string {
  return `lane: { id: it-vehicle-1, site: mongcai, kind: vehicle, direction: entry }
log: { level: silent }
storage: { dataDir: ${dataDir} }
display: { enabled: false }
devices:
  - type: relay-barrier
    name: boom
    role: vehicle-barrier
    travelTimeoutMs: 500
    io: { backend: fake, lines: [{ name: open, direction: out }, { name: close, direction: out }] }
  - type: lane-sensors
    name: lane-io
    presence: [loop-1]
    io: { backend: fake, lines: [{ name: loop-1, direction: in }] }
  - type: serial-rfid-reader
    name: rfid-gate
    path: ${rfidPath}
    protocol: uhfreader18
  - type: camera-replay
    name: plate-front
    path: ${framesDir}
    fps: 5
flow:
  barrier: { barrier: boom, presence: [loop-1] }
  loop: loop-1
  frontCamera: plate-front
  rfidReaders: [rfid-gate]
  timeouts: { readWindowMs: 20000, lookupMs: 5000 }
`;
}

async function until(lane: LaneControl, what: string, test: () => boolean, ms = 30_000): Promise<void> {
  await waitFor(() => (test() ? true : undefined), ms, what).catch((err: Error) => {
    const recent = lane.recentEvents(40).map((e) => `${e.type} ${JSON.stringify(e.detail)}`);
    throw new Error(`${err.message}; phase ${lane.snapshot().phase}; barriers ${JSON.stringify(lane.snapshot().barriers)}; events:\n${recent.join('\n')}`);
  });
}

describe.skipIf(skip !== null)('lane runner in the daemon: vehicle lane', () => {
  it('loop -> rendered plate read + RFID tag agree -> journaled grant -> boom opens -> loop clears -> boom closes', { timeout: 120_000 }, async () => {
    const scene = await readableScene();
    const dataDir = mkdtempSync(join(tmpdir(), 'lane-vehicle-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const framesDir = join(dataDir, 'frames');
    mkdirSync(framesDir);
    writeFileSync(join(framesDir, 'scene.jpg'), scene.jpeg);
    const pty = await startPtyPair();
    cleanup.push(() => pty.close());
    const sim = startRfidSim(pty.a);
    cleanup.push(async () => {
      if (sim.child.exitCode !== null || sim.child.signalCode !== null) return;
      const exited = new Promise((r) => sim.child.once('exit', r));
      sim.child.kill('SIGTERM');
      await exited;
    });

    const parsed = validateConfigText(laneYaml(dataDir, pty.b, framesDir), { env: {}, cwd: dataDir });
    if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    const log = pino({ level: 'silent' });
    const seed = new Store({ dataDir, lane: 'it-vehicle-1', siteKey: resolveSiteKey(SECRET, dataDir, log), clock: systemClock, log });
    await seed.start();
    const delta = (list: string, upserts: object[]) => seed.lists.applyDelta({ list, fromVersion: 0, toVersion: 1, upserts, deletes: [] });
    expect(delta('vehicles', [{ vehicleId: 'V-1', plate: scene.plate.compact, plateCountry: 'VN', epc: EPC, vehicleClass: 'truck', allowedDirections: ['entry'] }])).toMatchObject({ status: 'applied' });
    expect(delta('cargo', [{ declarationId: 'D-1', vehicleId: 'V-1', status: 'cleared', cargoClass: 'machinery', labTestRequired: false }])).toMatchObject({ status: 'applied' });
    expect(delta('watchlist', [])).toMatchObject({ status: 'applied' });
    await seed.stop();

    const daemon = new LaneDaemon({ configPath: join(dataDir, 'lane.yaml'), config: parsed.config, secrets: { siteHmacKey: SECRET }, logHub: new LogHub({ level: 'silent' }), env: {} });
    expect((await daemon.start()).ok).toBe(true);
    cleanup.push(() => daemon.stop());
    const lane = daemon.lane()!;
    await until(lane, 'loop reported clear', () => lane.snapshot().presence['loop-1'] === false);

    // The truck arrives: its tag comes into the field and it stops on the loop.
    sim.step({ op: 'tags', tags: [{ epc: EPC }] });
    simulateInput(daemon, 'loop-1', true);
    await until(lane, 'boom opened', () => lane.snapshot().barriers['boom'] === 'opened', 60_000);
    const [passage] = daemon.storeQueries()!.passagesLast(1);
    expect(passage!.record).toMatchObject({ kind: 'vehicle', outcome: 'grant', reasons: [] });
    const events = lane.recentEvents(500);
    expect(events.findIndex((e) => e.type === 'verdict')).toBeLessThan(events.findIndex((e) => e.type === 'actuate'));
    expect(events.some((e) => e.type === 'plate' && e.detail.camera === 'front')).toBe(true);

    simulateInput(daemon, 'loop-1', false);
    sim.step({ op: 'tags', tags: [] });
    await until(lane, 'boom closed, lane idle', () => lane.snapshot().barriers['boom'] === 'closed' && lane.snapshot().phase === 'idle');
  });
});
