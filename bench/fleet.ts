import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ListSeeder } from '../src/demo/central-seeding.js';
import { CentralSim } from '../src/sync/central-sim/central-sim.js';
import { startBroker, type Broker } from './fleet/broker.js';
import { fleetTravellers } from './fleet/fleet-lists.js';
import { laneId, SITE, writeLane, type LaneFiles } from './fleet/lane-files.js';
import { peerPhase } from './fleet/peer-phase.js';
import { deadChild, round, sleep, spawnChild, stopAll, until, type Child } from './fleet/processes.js';
import { CpuMeter, rssMiB } from './fleet/proc-stats.js';
import { runnerPhase } from './fleet/runner-phase.js';
import { FleetScanners } from './fleet/scanners.js';
import { snapshotBuild } from './fleet/snapshot.js';
import type { BenchReport, BenchRow } from './report.js';

/**
 * Fleet bench (issue 10): N lane daemons against ONE Mosquitto, with the central simulator.
 *
 *   npm run bench -- fleet -- --lanes 50 [--seconds 30] [--peer-rate R] [--no-peer]
 *
 * Every lane is a real daemon (dist/src/main.js) with a people-lane passage flow on simulated devices
 * (fleet/lane-files.ts: a QR scanner on a socat pty, relay doors and beams on fake io; no models),
 * its cache filled by the central simulator with signed list snapshots (src/demo/central-seeding.ts).
 *
 * 1. Online: time until all N have published their retained `online` state (a cold start of N daemons
 *    on THIS machine) and until all have loaded the lists; broker CPU while they idle; daemon RSS;
 *    the reconnect storm after a broker restart.
 * 2. Runner (the headline): travellers at every lane (fleet/traveller.ts) present a QR code on the pty,
 *    wait for the doors and walk through the beams; the runner decides, journals and publishes. Passages
 *    per second unique at the central, offered vs completed, journal vs central (duplicates, gaps),
 *    commit -> central and code -> central latency, broker CPU, daemon CPU and RSS.
 * 3. Peer (no runner): the daemons stop and "load lanes" (fleet/load-lane.ts) append passages on the
 *    same data folders at the per-lane rate the runner sustained (or --peer-rate): the same journal ->
 *    outbox -> MQTT path without runner, devices or driver traffic.
 *
 * All processes share one machine (2 cores in CI): the bench's travellers poll every lane's status
 * and the N daemons run on the same cores. On a site each lane has its own PC and only the broker is
 * shared, so the broker figures carry over, the start times and per-lane rates are lower bounds.
 */

/** The project root, from bench/ (tests run the .ts) or dist/bench/ (npm run bench runs the .js). */
function projectRoot(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${import.meta.dirname}`);
}
const ROOT = projectRoot();

interface Options {
  lanes: number;
  seconds: number;
  /** Per-lane append rate of the peer phase; null: the rate the runner sustained. */
  peerRate: number | null;
  peer: boolean;
}

function parseArgs(args: readonly string[]): Options {
  const opts: Options = { lanes: 50, seconds: 30, peerRate: null, peer: true };
  const rest = args.filter((a) => a !== '--');
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!;
    const value = (): number => {
      const n = Number(rest[++i]);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
      return n;
    };
    if (flag === '--lanes') opts.lanes = Math.round(value());
    else if (flag === '--seconds') opts.seconds = value();
    else if (flag === '--peer-rate') opts.peerRate = value();
    else if (flag === '--no-peer') opts.peer = false;
    else throw new Error(`unknown option ${flag} (use --lanes N, --seconds S, --peer-rate R, --no-peer)`);
  }
  return opts;
}

export async function run(args: readonly string[]): Promise<BenchReport> {
  const opts = parseArgs(args);
  if (!existsSync(join(ROOT, 'dist', 'src', 'main.js')) || !existsSync(join(ROOT, 'dist', 'bench', 'fleet', 'load-lane.js'))) {
    throw new Error('dist/ is missing pieces: npm run build');
  }
  const dir = mkdtempSync(join(tmpdir(), 'lc-fleet-'));
  const app = snapshotBuild(ROOT, join(dir, 'app'));
  const main = join(app, 'dist', 'src', 'main.js');
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = { ...opts, site: SITE, loadavgAtStart: loadavg().map((v) => round(v, 2)) };
  const keys = generateKeyPairSync('ed25519');
  const centralPublicKey = (keys.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
  // The site key every lane hashes identifiers with (the lists carry raw values; each lane hashes on load).
  const siteHmacKey = randomBytes(48).toString('base64');
  const laneIds = Array.from({ length: opts.lanes }, (_, i) => laneId(i));
  const travellers = fleetTravellers(laneIds);
  let broker: Broker | null = null;
  let central: CentralSim | null = null;
  const scanners = new FleetScanners();
  const children: Child[] = [];
  try {
    broker = await startBroker(dir);
    central = new CentralSim({ url: broker.url, site: SITE, key: keys.privateKey, lists: travellers.lists });
    const seeder = new ListSeeder(central, travellers.lists, (line) => process.stderr.write(`${line}\n`));
    central.on('state', (lane, state) => {
      if (state.state === 'online') seeder.reseed(lane, state.lists ?? {});
    });
    await central.start();
    const states = central.states;
    const onlineCount = () => [...states.values()].filter((s) => s.state === 'online').length;
    const seededCount = () => laneIds.filter((l) => seeder.seeded(l)).length;

    // ---- phase 1: the daemons come online and load their lists ----------------------------------------
    const lanes: LaneFiles[] = laneIds.map((_, i) => writeLane(dir, i, broker!.url, { centralPublicKey, siteHmacKey }));
    // The scanners' pty pairs first: a lane whose scanner path is missing at start reports the device failed.
    await scanners.startPairs(join(dir, 'pty'), laneIds);
    const deadDaemon = () => deadChild(children, 'daemon');
    const t0 = performance.now();
    for (const l of lanes) children.push(spawnChild(app, l.lane, [main, '--config', l.config], {}, 'ignore'));
    const coldMs = await until(() => onlineCount() >= opts.lanes, 60_000 + opts.lanes * 2_000, deadDaemon);
    rows.push({ name: `cold start: all ${opts.lanes} daemons online (retained state), one machine`, value: coldMs === null ? Number.NaN : round(coldMs / 1000, 2), unit: 's' });
    if (coldMs === null) throw new Error(`only ${onlineCount()} of ${opts.lanes} lanes came online`);
    const seededMs = await until(() => seededCount() >= opts.lanes, 60_000 + opts.lanes * 2_000, deadDaemon);
    rows.push({ name: `lists loaded: all ${opts.lanes} lanes report the central's versions`, value: seededMs === null ? Number.NaN : round((performance.now() - t0) / 1000, 2), unit: 's' });
    if (seededMs === null) throw new Error(`only ${seededCount()} of ${opts.lanes} lanes loaded the lists`);

    await sleep(3_000); // let start-up work (migrations, first drains) settle before measuring idle
    const idleMeter = new CpuMeter(broker.pid());
    await sleep(10_000);
    rows.push({ name: `broker CPU, ${opts.lanes} lanes connected and idle`, value: round(idleMeter.sample()), unit: '% of one core' });
    const rss = children.map((c) => rssMiB(c.proc.pid!)).filter((v): v is number => v !== null).sort((a, b) => a - b);
    rows.push({ name: 'daemon RSS idle, mean', value: round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)), unit: 'MiB' });
    rows.push({ name: 'daemon RSS idle, max', value: round(rss[rss.length - 1] ?? Number.NaN), unit: 'MiB' });
    rows.push({ name: 'broker RSS', value: round(rssMiB(broker.pid()) ?? Number.NaN), unit: 'MiB' });

    // The reconnect storm: every lane loses the broker at once and must come back on its own.
    const births = new Map([...states].map(([lane, s]) => [lane, s.birth]));
    await broker.restart();
    const backOnline = () => [...states].filter(([lane, s]) => s.state === 'online' && s.birth !== births.get(lane)).length;
    const restartMs = await until(() => backOnline() >= opts.lanes, 120_000, deadDaemon);
    rows.push({ name: `broker restart: all ${opts.lanes} lanes online again`, value: restartMs === null ? Number.NaN : round(restartMs / 1000, 2), unit: 's' });
    meta['backOnlineAfterRestart'] = backOnline();

    // ---- phase 2: passages through the lane runner (the headline) --------------------------------------
    const b = broker;
    const runner = await runnerPhase({ lanes, daemons: children, scanners: await scanners.open(), tokens: travellers.tokens, central, brokerPid: () => b.pid(), seconds: opts.seconds });
    rows.push(...runner.rows);
    meta['runner'] = {
      ...runner.meta,
      passageSource:
        'lane daemons: QR code on the scanner pty -> serial driver -> runner (cache lookup, decision) -> doors on fake io, beams via sim input -> journal + outbox -> MQTT -> central simulator',
    };
    await stopAll(children);
    children.length = 0;
    await scanners.stop();

    // ---- phase 3: the peer, same path without the runner ----------------------------------------------
    if (opts.peer) {
      const rate = opts.peerRate ?? Math.max(0.1, round(runner.perLaneRate, 2));
      const peer = await peerPhase({
        app,
        loadLane: join(app, 'dist', 'bench', 'fleet', 'load-lane.js'),
        lanes,
        brokerUrl: b.url,
        brokerPid: () => b.pid(),
        centralPublicKey,
        central,
        rate,
        seconds: opts.seconds,
      });
      rows.push(...peer.rows);
      // Like for like only when the peer ran at the runner's rate (the default); the goal column says which.
      const against = `peer at ${rate} passages/s per lane`;
      rows.push({ name: 'runner / peer: commit -> central p50', value: round(runner.commitToCentralP50 / peer.commitToCentralP50, 2), unit: 'ratio', goal: against });
      rows.push({ name: 'runner / peer: commit -> central p99', value: round(runner.commitToCentralP99 / peer.commitToCentralP99, 2), unit: 'ratio', goal: against });
      meta['peer'] = peer.meta;
    }
    meta['loadavgAtEnd'] = loadavg().map((v) => round(v, 2));
    meta['machineNote'] = 'daemons, travellers (this process), load lanes, broker and central simulator share this machine';
    return { suite: 'fleet', rows, meta };
  } finally {
    await stopAll(children);
    await scanners.stop();
    await central?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
