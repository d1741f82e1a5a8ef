import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { LineScannerSim } from '../../../drivers/sim/line-scanner-sim.js';
import { LaneDaemon } from '../../../src/app/lane-daemon.js';
import { resolveSiteKey } from '../../../src/app/site-key.js';
import { simulateInput } from '../../../src/control/commands/sim-input.js';
import type { LaneControl } from '../../../src/control/lane-control.js';
import { validateConfigText } from '../../../src/settings/validate.js';
import { Store } from '../../../src/store/index.js';
import type { Clock } from '../../../src/util/clock.js';
import { systemClock } from '../../../src/util/clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { ROOT, waitFor } from '../../helpers/daemon-process.js';
import { socatMissing, startPtyPair, type PtyPair } from '../../helpers/pty.js';
import { cleanupAfterEach } from './lane-hooks.js';

/**
 * The people lane end to end inside a real LaneDaemon: a pty scanner simulator presents a signed QR
 * vector from ../shared/fixtures/dcc, the SQLite store (seeded through its list deltas) knows the
 * holder, relay-barrier doors and lane-sensors run on fake io driven like `lanectl sim input`.
 * No face camera: the lane's policy has requireFace false (the demo's setting).
 */
const FIXTURES = process.env.LANE_FIXTURES ?? resolve(ROOT, '../shared/fixtures');
const VECTOR = join(FIXTURES, 'dcc/vectors/AT__2.json');
const skip = socatMissing() ?? (existsSync(VECTOR) ? null : `fixture missing: ${VECTOR}`);

interface DccVector {
  PREFIX: string;
  JSON: { r: Array<{ ci: string }> };
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
}

/** The system clock moved back to the vector's validation time (timers run at real speed). */
function shiftedClock(to: number): Clock {
  const offset = Date.now() - to;
  return { ...systemClock, now: () => Date.now() - offset };
}

const SECRET = 'integration-site-key-0123456789-abcdefghijklmnop';

const cleanup = cleanupAfterEach();

function laneYaml(dataDir: string, scannerPath: string, certPath: string): string {
  const door = (name: string) => `  - type: relay-barrier
    name: ${name}
    role: egress-door
    travelTimeoutMs: 500
    io: { backend: fake, lines: [{ name: open, direction: out }, { name: close, direction: out }, { name: hold-open, direction: out }] }
`;
  return `lane: { id: it-people-1, site: mongcai, kind: people, direction: entry }
log: { level: silent }
storage: { dataDir: ${dataDir} }
display: { enabled: false }
policy: { requireFace: false }
devices:
  - type: serial-line-scanner
    name: qr-entry
    path: ${scannerPath}
    suffix: cr
${door('entry-door')}${door('exit-door')}  - type: lane-sensors
    name: lane-io
    presence: [entry-beam, exit-beam]
    emergency: [fire]
    io: { backend: fake, lines: [{ name: entry-beam, direction: in }, { name: exit-beam, direction: in }, { name: fire, direction: in }] }
flow:
  readers: [qr-entry]
  qrSigners: [${certPath}]
  entryDoor: { barrier: entry-door, presence: [entry-beam] }
  exitDoor: { barrier: exit-door, presence: [exit-beam] }
  entryBeam: entry-beam
  exitBeam: exit-beam
`;
}

interface Rig {
  daemon: LaneDaemon;
  lane: LaneControl;
  dataDir: string;
  present(): Promise<void>;
}

async function startLane(opts: { watchlistPerson?: boolean } = {}): Promise<Rig> {
  const vector = JSON.parse(readFileSync(VECTOR, 'utf8')) as DccVector;
  const clock = shiftedClock(Date.parse(vector.TESTCTX.VALIDATIONCLOCK));
  const dataDir = mkdtempSync(join(tmpdir(), 'lane-runner-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const pty: PtyPair = await startPtyPair();
  cleanup.push(() => pty.close());
  const certPath = join(dataDir, 'signer.der');
  writeFileSync(certPath, Buffer.from(vector.TESTCTX.CERTIFICATE, 'base64'));

  const parsed = validateConfigText(laneYaml(dataDir, pty.b, certPath), { env: {}, cwd: dataDir });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));

  // Seed the cache the way the central system does: list deltas (the store hashes `value` with the site key).
  const log = pino({ level: 'silent' });
  const seed = new Store({ dataDir, lane: 'it-people-1', siteKey: resolveSiteKey(SECRET, dataDir, log), clock, log });
  await seed.start();
  const ci = vector.JSON.r[0]!.ci;
  expect(seed.lists.applyDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'S-1', category: 'border-resident', allowedDirections: ['entry'] }], deletes: [] })).toMatchObject({ status: 'applied' });
  expect(seed.lists.applyDelta({ list: 'credentials', fromVersion: 0, toVersion: 1, upserts: [{ kind: 'signed-qr', value: ci, subjectId: 'S-1', status: 'active' }], deletes: [] })).toMatchObject({ status: 'applied' });
  const watch = opts.watchlistPerson ? [{ entryId: 'W-1', listId: 'interpol-refer', kind: 'person', action: 'refer', key: 'S-1' }] : [];
  expect(seed.lists.applyDelta({ list: 'watchlist', fromVersion: 0, toVersion: 1, upserts: watch, deletes: [] })).toMatchObject({ status: 'applied' });
  await seed.stop();

  const daemon = new LaneDaemon({ configPath: join(dataDir, 'lane.yaml'), config: parsed.config, secrets: { siteHmacKey: SECRET }, logHub: new LogHub({ level: 'silent' }), env: {}, clock });
  const started = await daemon.start();
  cleanup.push(() => daemon.stop());
  expect(started.ok).toBe(true);
  const lane = daemon.lane();
  if (!lane) throw new Error('the daemon built no lane runner');
  await waitFor(() => (lane.snapshot().presence['exit-beam'] === false ? true : undefined), 10_000, 'beams reported clear');

  const port = new SerialPort({ path: pty.a, baudRate: 9600 });
  await once(port, 'open');
  cleanup.push(() => new Promise<void>((r) => port.close(() => r())));
  const sim = new LineScannerSim(
    { write: (b) => new Promise<void>((res, rej) => port.write(b, (e) => (e ? rej(e) : port.drain((d) => (d ? rej(d) : res()))))) },
    { suffix: 'cr', clock: systemClock },
  );
  return { daemon, lane, dataDir, present: () => sim.run({ op: 'code', text: vector.PREFIX }) };
}

const position = (lane: LaneControl, barrier: string) => lane.snapshot().barriers[barrier];

async function until(lane: LaneControl, what: string, test: () => boolean): Promise<void> {
  await waitFor(() => (test() ? true : undefined), 15_000, what).catch((err: Error) => {
    const recent = lane.recentEvents(40).map((e) => `${e.type} ${JSON.stringify(e.detail)}`);
    throw new Error(`${err.message}; phase ${lane.snapshot().phase}; barriers ${JSON.stringify(lane.snapshot().barriers)}; events:\n${recent.join('\n')}`);
  });
}

describe.skipIf(skip !== null)('lane runner in the daemon: people lane', () => {
  it('signed QR -> verdict journaled -> entry opens -> beam -> exit opens -> close waits for the beam -> idle', async () => {
    const { daemon, lane, present } = await startLane();
    await present();
    await until(lane, 'entry door opened', () => position(lane, 'entry-door') === 'opened');
    const [record] = daemon.storeQueries()!.passagesLast(1);
    expect(record!.record).toMatchObject({ kind: 'people', outcome: 'grant', reasons: [], evidence: expect.objectContaining({ credential: expect.objectContaining({ kind: 'signed-qr', valid: true }) }) });
    // The verdict was durable before the first door moved.
    const events = lane.recentEvents(500);
    const verdictAt = events.findIndex((e) => e.type === 'verdict');
    const firstMove = events.findIndex((e) => e.type === 'actuate');
    expect(verdictAt).toBeGreaterThan(-1);
    expect(verdictAt).toBeLessThan(firstMove);

    simulateInput(daemon, 'entry-beam', true);
    simulateInput(daemon, 'entry-beam', false);
    await until(lane, 'exit door opened, entry closed', () => position(lane, 'exit-door') === 'opened' && position(lane, 'entry-door') === 'closed');
    expect(lane.snapshot().phase).toBe('exiting');

    // The traveller stops in the exit beam; a technician asks to close: deferred, the door stays open.
    simulateInput(daemon, 'exit-beam', true);
    const close = await lane.command('exit-door', 'close', { source: 'lanectl', id: 'tech-7' });
    expect(close).toMatchObject({ accepted: true, detail: expect.stringContaining('deferred') });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(position(lane, 'exit-door')).toBe('opened');
    simulateInput(daemon, 'exit-beam', false);
    await until(lane, 'exit door closed and lane idle', () => position(lane, 'exit-door') === 'closed' && lane.snapshot().phase === 'idle');
    expect(lane.snapshot()).toMatchObject({ passagesDecided: 1, faceCheck: 'off', suspended: [] });
    expect(daemon.storeQueries()!.verifyJournal()).toMatchObject({ ok: true });
  });

  it('when the journal refuses the verdict nothing opens, the lane holds for an officer and raises the alarm', async () => {
    const { daemon, lane, dataDir, present } = await startLane();
    // A second connection makes every journal insert fail inside SQLite itself.
    const db = new Database(join(dataDir, 'lane.db'));
    db.exec("CREATE TRIGGER it_fail BEFORE INSERT ON passages BEGIN SELECT RAISE(ABORT, 'simulated journal failure'); END;");
    db.close();
    await present();
    await until(lane, 'held after the journal failure', () => lane.snapshot().phase === 'held');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(position(lane, 'entry-door')).not.toBe('opened');
    expect(position(lane, 'exit-door')).not.toBe('opened');
    expect(lane.recentEvents(500).some((e) => e.type === 'alarm' && e.detail.kind === 'journal-failed')).toBe(true);
    expect(lane.recentEvents(500).filter((e) => e.type === 'actuate')).toEqual([]);
    expect(daemon.storeQueries()!.passagesLast(5)).toEqual([]);
  });

  it('a watchlist refer holds the traveller; an officer override is journaled with the officer id, then the door opens', async () => {
    const { daemon, lane, present } = await startLane({ watchlistPerson: true });
    await present();
    await until(lane, 'held for an officer', () => lane.snapshot().phase === 'held');
    expect(daemon.storeQueries()!.passagesLast(1)[0]!.record).toMatchObject({ outcome: 'refer', reasons: ['WATCHLIST_REFER'] });
    expect(lane.recentEvents(500).filter((e) => e.type === 'actuate')).toEqual([]);

    const r = await lane.override('grant', 'identity confirmed at the booth', { source: 'lanectl', id: 'officer-42' });
    expect(r.accepted).toBe(true);
    await until(lane, 'entry door opened after the override', () => position(lane, 'entry-door') === 'opened');
    const [override, refer] = daemon.storeQueries()!.passagesLast(2);
    expect(override!.record).toMatchObject({ outcome: 'grant', officerId: 'officer-42', evidence: expect.objectContaining({ overrideSource: 'lanectl', supersedes: refer!.record.id }) });
  });

  it('emergency input: both egress doors held open at once; after it clears they stay open until a reset on site', async () => {
    const { daemon, lane } = await startLane();
    simulateInput(daemon, 'fire', true);
    await until(lane, 'both doors opened', () => position(lane, 'entry-door') === 'opened' && position(lane, 'exit-door') === 'opened');
    expect(lane.snapshot()).toMatchObject({ phase: 'suspended', signal: 'red' });
    simulateInput(daemon, 'fire', false);
    await new Promise((r) => setTimeout(r, 700));
    expect(lane.snapshot().phase).toBe('suspended');
    expect(await lane.reset({ source: 'mqtt', id: 'central-1' })).toMatchObject({ accepted: false });
    expect(await lane.reset({ source: 'lanectl', id: 'tech-7' })).toMatchObject({ accepted: true });
    await until(lane, 'back in service', () => lane.snapshot().phase === 'idle');
  });
});
