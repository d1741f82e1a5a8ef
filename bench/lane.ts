import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { decide, DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY, type Evidence } from '../src/decision/index.js';
import type { LaneEvent } from '../src/control/lane-control.js';
import { EmbeddedBroker } from '../src/demo/embedded-broker.js';
import { pickPort } from '../src/demo/free-port.js';
import { LANE_IDS } from '../src/demo/orchestrator.js';
import { Store } from '../src/store/store.js';
import { systemClock } from '../src/util/clock.js';
import { DEFAULT_FACE_CONFIG } from '../src/vision/face/face-config.js';
import { FacePipeline } from '../src/vision/face/face-pipeline.js';
import { decodeImage } from '../src/vision/image/decode.js';
import { ModelRegistry } from '../src/vision/models/registry.js';
import { defaultModelsDir } from '../src/vision/models/paths.js';
import { LaneRig } from './lane/rig.js';
import { percentile, type BenchReport, type BenchRow } from './report.js';

/**
 * `npm run bench -- lane [--people N] [--vehicle N] [--no-face]`: cycle times of the two lanes run as
 * daemons on the simulated devices (bench/lane/rig.ts: pty scanner, LLRP reader, OPC UA PLC, replayed
 * rendered plate frames, an embedded MQTT broker and the central simulator).
 *
 * People lane, credential -> exit-door open command, without mechanical travel and walking. Start:
 * the QR scanner simulator's answer that the code is on the wire (the last byte is in the pty). The
 * lane's own event log (`events tail`, epoch ms) gives the rest: the entry-door `admit` command, the
 * entry beam clearing (the traveller is in), the entry door's `closed` position, and the exit-door
 * `grant` command. Cycle = (admit - credential) + (grant - max(beam clear, entry door closed)): the
 * lane's work before the door and after the traveller is shut in, face capture, 1:1 and 1:N, journal
 * included; the door travel and the walk in between are the person's and the door's, not the lane's.
 * The face camera is camera-replay of a temp folder holding ONE photo from ../shared/fixtures/faces
 * (LANE_FIXTURES overrides), read at run time, never copied into the repo, and that photo's template
 * is enrolled for the traveller, so 1:1 runs for real. Without the fixtures it runs without face and
 * says so in the row names.
 *
 * Vehicle lane, loop occupied -> barrier-open command, both measured on the simulators' side: the rig's
 * clock when it sets the PLC's loop input, and the PLC model's `command open` event. The plate frame is
 * shown before the vehicle reaches the loop; the tag enters the RFID field as soon as the lane's read
 * window is open (a tag read before the window is dropped today: see docs/lanes.md, Measured).
 *
 * One passage per lane runs first and is not counted (models load on first use); its cycle is in
 * meta.warmUp. p99 is nearest-rank (bench/report.ts): with fewer than 100 passages it is the
 * maximum, so read it as "the slowest of N".
 *
 * Peer: the store lookup + decide() alone on the very lane databases just used (the floor the runner
 * adds to).
 */
interface Args {
  people: number;
  vehicle: number;
  face: boolean;
}

function parse(args: string[]): Args {
  const num = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
    return Number.isInteger(v) && v >= 0 ? v : fallback;
  };
  return { people: num('people', 30), vehicle: num('vehicle', 30), face: !args.includes('--no-face') };
}

/** The project root: the nearest folder above this file with a package.json (from bench/ or dist/bench/). */
function projectRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = up;
  }
  return dir;
}
const ROOT = projectRoot();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

function stats(values: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] ?? Number.NaN, n: s.length };
}

function fixturesDir(): string {
  return process.env.LANE_FIXTURES ?? join(ROOT, '..', 'shared', 'fixtures');
}

/** The first single-person photo of the fixtures whose face passes enrolment; null when the folder is absent. */
async function pickFace(): Promise<{ file: string; template: { modelId: string; vector: number[]; quality: number } } | { skip: string }> {
  const dir = join(fixturesDir(), 'faces');
  const labels = join(dir, 'labels.tsv');
  if (!existsSync(labels)) return { skip: `no face fixtures at ${dir}` };
  const pipeline = await FacePipeline.load(new ModelRegistry({ modelsDir: defaultModelsDir() }), DEFAULT_FACE_CONFIG);
  const rows = readFileSync(labels, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  for (const [file, identity, kind] of rows) {
    if (kind !== 'single' || !identity || !file) continue;
    const path = join(dir, file);
    const r = await pipeline.enrol(await decodeImage(readFileSync(path)));
    if (r.ok) return { file: path, template: { modelId: pipeline.config.embedder, vector: [...r.template], quality: Math.min(1, Math.max(0, r.quality.score)) } };
  }
  return { skip: 'no single-person fixture photo passed enrolment' };
}

async function events(rig: LaneRig, lane: 'people' | 'vehicle', since: number): Promise<LaneEvent[]> {
  const r = (await rig.lane(lane, 'events tail', { n: 500 })) as { events: LaneEvent[] };
  return r.events.filter((e) => e.at >= since);
}

function first(evs: LaneEvent[], match: (e: LaneEvent) => boolean, after = 0): LaneEvent | undefined {
  return evs.find((e) => e.at >= after && match(e));
}

const is = (type: string, detail: Record<string, unknown>) => (e: LaneEvent) => e.type === type && Object.entries(detail).every(([k, v]) => e.detail[k] === v);

interface PeopleSample {
  /** The lane events of the passage, ms after the credential. */
  trace: string[];
  cycle: number;
  beforeDoor: number;
  afterShutIn: number;
  /** Traveller in (entry beam clear) -> grant command: the face capture overlaps the entry door's closing travel. */
  fromInside: number;
  outcome: string;
}

async function peopleOnce(rig: LaneRig): Promise<PeopleSample | { failed: string }> {
  const c = rig.ctx;
  await c.waitPhase('people', ['idle'], 60_000);
  const before = await c.lastSeq('people');
  const { at: t0 } = (await c.demo('present-qr', { credential: 'valid' })) as { at: number };
  await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 30_000, 'the entry door to open');
  await c.walk('people', 'entry-beam', 1);
  const passage = await c.waitPassage('people', before, 60_000);
  if (passage.outcome === 'grant') {
    await c.poll(async () => ((await c.flow('people')).barriers['exit-door'] === 'opened' ? true : undefined), 30_000, 'the exit door to open');
    await c.walk('people', 'exit-beam', 1);
  } else {
    // Refused inside the mantrap: sent back through the entry door, or held; an officer sends them back.
    if ((await c.flow('people')).phase === 'held') await rig.lane('people', 'override', { outcome: 'deny', as: 'bench', reason: 'bench: sent back' });
    await c.poll(async () => ((await c.flow('people')).barriers['entry-door'] === 'opened' ? true : undefined), 30_000, 'the entry door to reopen');
    await c.walk('people', 'entry-beam', 1);
  }
  await c.waitPhase('people', ['idle'], 60_000);
  if (passage.outcome !== 'grant') return { failed: `${passage.outcome} ${passage.reasons.join(',')}` };
  const evs = await events(rig, 'people', t0 - 50);
  const admit = first(evs, is('actuate-request', { target: 'entry-door', action: 'open', purpose: 'admit' }));
  const grant = first(evs, is('actuate-request', { target: 'exit-door', action: 'open', purpose: 'grant' }));
  if (!admit || !grant) return { failed: 'admit or grant command missing from the lane events' };
  const beamClear = first(evs, is('presence', { input: 'entry-beam', active: false }), admit.at);
  const closed = first(evs, is('position', { barrier: 'entry-door', position: 'closed' }), beamClear?.at ?? admit.at);
  if (!beamClear || !closed) return { failed: 'entry beam or entry door events missing' };
  const beforeDoor = admit.at - t0;
  const afterShutIn = grant.at - Math.max(beamClear.at, closed.at);
  const trace = evs.filter((e) => e.at <= grant.at).map((e) => `+${e.at - t0} ${e.type} ${Object.entries(e.detail).filter(([k]) => k !== 'passageId').map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  return { trace, cycle: beforeDoor + afterShutIn, beforeDoor, afterShutIn, fromInside: grant.at - beamClear.at, outcome: passage.outcome };
}

interface VehicleSample {
  cycle: number;
  laneSide: number;
  loopSeen: number;
  outcome: string;
}

async function vehicleOnce(rig: LaneRig, commands: Array<{ command: string; at: number }>): Promise<VehicleSample | { failed: string }> {
  const c = rig.ctx;
  await c.waitPhase('vehicle', ['idle'], 90_000);
  const before = await c.lastSeq('vehicle');
  await c.demo('camera-show', { vehicle: 'cleared' });
  await sleep(700); // the camera (4 fps) has the plate in view before the vehicle stops on the loop
  await c.demo('loop', { occupied: true });
  const t0 = rig.loopSetAt[rig.loopSetAt.length - 1]!;
  // Tag into the field once the read window is open (polled tightly: this wait is inside the cycle).
  for (const deadline = Date.now() + 20_000; (await c.flow('vehicle')).phase !== 'reading'; ) {
    if (Date.now() > deadline) return { failed: 'the read window never opened' };
    await sleep(10);
  }
  await c.demo('rfid-field', { vehicle: 'cleared' });
  const passage = await c.waitPassage('vehicle', before, 60_000);
  let open: { at: number } | undefined;
  if (passage.outcome === 'grant') {
    open = await c.poll(async () => commands.find((x) => x.command === 'open' && x.at >= t0), 20_000, 'the PLC open command');
    await c.poll(async () => (rig.plc.snapshot().position === 'opened' ? true : undefined), 20_000, 'the boom to open');
  }
  await c.demo('rfid-field', { vehicle: 'none' });
  await c.demo('loop', { occupied: false });
  await c.demo('camera-show', { vehicle: 'none' });
  if (passage.outcome === 'grant') await c.poll(async () => (rig.plc.snapshot().position === 'closed' ? true : undefined), 30_000, 'the boom to close');
  await c.waitPhase('vehicle', ['idle'], 90_000);
  if (!open) return { failed: `${passage.outcome} ${passage.reasons.join(',')}` };
  const evs = await events(rig, 'vehicle', t0 - 50);
  const loopSeen = first(evs, is('presence', { input: 'loop-1', active: true }));
  const cmd = first(evs, is('actuate-request', { target: 'boom', action: 'open' })) ?? first(evs, (e) => e.type === 'actuate-request' && e.detail.action === 'open');
  return { cycle: open.at - t0, laneSide: cmd && loopSeen ? cmd.at - loopSeen.at : Number.NaN, loopSeen: loopSeen ? loopSeen.at - t0 : Number.NaN, outcome: passage.outcome };
}


export async function run(argv: string[]): Promise<BenchReport> {
  const args = parse(argv);
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = { args, loadavgAtStart: loadavg().map((v) => round(v, 2)) };
  let faceDir: string | null = null;
  let enrolFace: { modelId: string; vector: number[]; quality: number } | undefined;
  if (args.face && args.people > 0) {
    const face = await pickFace();
    if ('skip' in face) meta.face = `off: ${face.skip}`;
    else {
      faceDir = mkdtempSync(join(tmpdir(), 'lane-bench-face-'));
      copyFileSync(face.file, join(faceDir, 'face.jpg'));
      enrolFace = face.template;
      meta.face = `on: camera-replay of one fixture photo (${basename(face.file)}), its template enrolled for the traveller`;
    }
  } else meta.face = 'off (--no-face)';
  const faceTag = faceDir === null ? ' [NO FACE]' : ' (face 1:1 + 1:N included)';

  const broker = new EmbeddedBroker(await pickPort(0));
  await broker.start();
  const rig = new LaneRig({
    root: ROOT,
    brokerUrl: broker.url,
    ...(faceDir !== null ? { faces: { kind: 'folder' as const, path: faceDir } } : {}),
    ...(enrolFace ? { enrolFace } : {}),
    logLevel: 'warn',
  });
  const plcCommands: Array<{ command: string; at: number }> = [];
  const failures: string[] = [];
  try {
    await rig.start();
    rig.plc.on('command', (e) => {
      if (e.accepted) plcCommands.push({ command: e.command, at: e.at });
    });
    // One passage per lane first, not counted: the lanes load their ONNX models on first use.
    const warm: Record<string, unknown> = {};
    if (args.people > 0) warm.people = await peopleOnce(rig);
    if (args.vehicle > 0) warm.vehicle = await vehicleOnce(rig, plcCommands);
    meta.warmUp = Object.fromEntries(Object.entries(warm).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'cycle' in v ? { cycleMs: (v as { cycle: number }).cycle } : v]));
    const people: PeopleSample[] = [];
    for (let i = 0; i < args.people; i++) {
      const s = await peopleOnce(rig);
      if ('failed' in s) failures.push(`people #${i + 1}: ${s.failed}`);
      else people.push(s);
    }
    const vehicles: VehicleSample[] = [];
    for (let i = 0; i < args.vehicle; i++) {
      const s = await vehicleOnce(rig, plcCommands);
      if ('failed' in s) failures.push(`vehicle #${i + 1}: ${s.failed}`);
      else vehicles.push(s);
    }
    if (people[0]) meta.peopleTrace = people[0].trace;
    if (args.people > 0) {
      const cyc = stats(people.map((s) => s.cycle));
      rows.push({ name: `people: credential -> exit-door open command, p50${faceTag}`, value: round(cyc.p50), unit: 'ms' });
      rows.push({ name: `people: credential -> exit-door open command, p99${faceTag}`, value: round(cyc.p99), unit: 'ms', goal: '<= 1000 ms p99', pass: people.length > 0 && cyc.p99 <= 1000 });
      rows.push({ name: 'people: part before the entry door (credential -> admit command), p99', value: round(stats(people.map((s) => s.beforeDoor)).p99), unit: 'ms' });
      rows.push({ name: 'people: part after the traveller is shut in (face, decision, journal -> grant command), p99', value: round(stats(people.map((s) => s.afterShutIn)).p99), unit: 'ms' });
      const inside = stats(people.map((s) => s.fromInside));
      rows.push({ name: 'people: traveller in (entry beam clear) -> grant command, door closing travel included, p50', value: round(inside.p50), unit: 'ms' });
      rows.push({ name: 'people: traveller in (entry beam clear) -> grant command, door closing travel included, p99', value: round(inside.p99), unit: 'ms' });
      rows.push({ name: 'people: passages measured (granted)', value: people.length, unit: 'count' });
    }
    if (args.vehicle > 0) {
      const cyc = stats(vehicles.map((s) => s.cycle));
      rows.push({ name: 'vehicle: loop occupied -> barrier open command at the PLC, p50', value: round(cyc.p50), unit: 'ms' });
      rows.push({ name: 'vehicle: loop occupied -> barrier open command at the PLC, p99', value: round(cyc.p99), unit: 'ms', goal: '<= 500 ms p99', pass: vehicles.length > 0 && cyc.p99 <= 500 });
      rows.push({ name: 'vehicle: lane side only (loop event in the lane -> open request), p99', value: round(stats(vehicles.map((s) => s.laneSide)).p99), unit: 'ms' });
      rows.push({ name: 'vehicle: loop set at the PLC -> loop event in the lane (OPC UA subscription), p99', value: round(stats(vehicles.map((s) => s.loopSeen)).p99), unit: 'ms' });
      rows.push({ name: 'vehicle: passages measured (granted)', value: vehicles.length, unit: 'count' });
    }
    await rig.stopLanes();
    const floor = await peerFloor(rig, enrolFace?.modelId ?? null);
    if (args.people > 0) rows.push({ name: 'peer: people facts lookup + decide() alone (same lane database), p99', value: round(stats(floor.people).p99, 3), unit: 'ms' });
    if (args.vehicle > 0) rows.push({ name: 'peer: vehicle facts lookup + decide() alone (same lane database), p99', value: round(stats(floor.vehicle).p99, 3), unit: 'ms' });
  } finally {
    await rig.stop();
    await broker.stop();
    if (faceDir !== null) rmSync(faceDir, { recursive: true, force: true });
  }
  meta.failures = failures;
  meta.loadavgAtEnd = loadavg().map((v) => round(v, 2));
  meta.method = {
    people: 'start: scanner simulator answer (code on the wire); then the lane event log: (admit command - start) + (grant command - max(entry beam clear, entry door closed))',
    vehicle: 'PLC simulator side: rig sets loop-1 -> PLC model command open (accepted)',
    peer: 'Store.factsFor + decide() in-process on the lanes\' SQLite caches after the run',
  };
  return { suite: 'lane', rows, meta };
}

/** The floor: facts from the lane's own cache + decide(), in this process, on the databases the lanes just used. */
async function peerFloor(rig: LaneRig, faceModel: string | null): Promise<{ people: number[]; vehicle: number[] }> {
  const out = { people: [] as number[], vehicle: [] as number[] };
  const HOUR = 3_600_000;
  for (const lane of ['people', 'vehicle'] as const) {
    const store = new Store({ dataDir: rig.paths.lane(lane).dataDir, lane: LANE_IDS[lane], siteKey: rig.siteKey(), evidenceSweepIntervalMs: 24 * HOUR });
    await store.start();
    try {
      const v = rig.data.vehicles.cleared;
      for (let i = 0; i < 2_000; i++) {
        const now = Date.now();
        let evidence: Evidence;
        let policy;
        if (lane === 'people') {
          const idHash = store.keyedHash('qr-token', rig.data.qr.valid).toString('hex');
          evidence = {
            credential: { kind: 'qr-token', idHash, verification: { valid: true }, validFrom: null, validUntil: null, nationality: null, issuingState: null },
            ...(faceModel ? { face: { matchScore: 0.9, modelId: faceModel, quality: 0.9, presentationAttackScore: 0.01, presentationAttackReasons: [], faceCount: 1 } } : {}),
            occupancy: { personCount: 1, vehicleCount: null },
          } as Evidence;
          policy = { ...DEFAULT_PEOPLE_POLICY, requireFace: faceModel !== null };
        } else {
          evidence = { vehicle: { plate: { text: v.plate.compact, country: v.plate.country, confidence: 0.95 }, rfid: { epc: v.epc.toLowerCase(), tid: null } }, occupancy: { personCount: null, vehicleCount: 1 } } as Evidence;
          policy = DEFAULT_VEHICLE_POLICY;
        }
        const t0 = performance.now();
        const facts = store.factsFor(evidence, { now, faceModelId: faceModel, maxPlateDistance: policy.maxPlateMatchDistance });
        decide(evidence, facts, policy, systemClock);
        out[lane].push(performance.now() - t0);
      }
    } finally {
      await store.stop();
    }
  }
  return out;
}
