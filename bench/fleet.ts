import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { CentralSim } from '../src/sync/central-sim/central-sim.js';
import { startBroker, type Broker } from './fleet/broker.js';
import { CpuMeter, rssMiB } from './fleet/proc-stats.js';
import { snapshotBuild } from './fleet/snapshot.js';
import { percentile, type BenchReport, type BenchRow } from './report.js';

/**
 * Fleet bench (issue 10): N lane daemons against ONE Mosquitto, with the central simulator as consumer.
 *
 *   npm run bench -- fleet -- --lanes 50 [--seconds 20] [--rate 5] [--no-load]
 *
 * Phase 1, the real daemons (dist/src/main.js, generated configs: fake-io, no models, no display,
 * mqtt.enabled): time until all N have published their retained `online` state (a cold start of N
 * daemons on THIS machine, and again after a broker restart: the reconnect storm), broker CPU while they
 * idle, per-daemon RSS.
 *
 * Phase 2, passages end to end: nothing inside a running daemon creates passages until the lane runner
 * has a simulated input, so the daemons are stopped and each lane's data directory is taken over by a
 * "load lane" (bench/fleet/load-lane.ts): the real store and MQTT link, appending passages to the journal
 * with group commit at --rate per lane. Measured: passages delivered to the central ledger per second
 * (unique by id, checked for sequence gaps), commit-to-central latency, broker CPU under that load. Not
 * measured: decision, actuation, device I/O (the lane runner's part).
 *
 * All processes share one machine (2 cores in CI); on a site each lane has its own PC and only the broker
 * is shared, so the broker figures are the ones that carry over, the start times are an upper bound.
 */

/** The project root, from bench/ (tests run the .ts) or dist/bench/ (npm run bench runs the .js). */
function projectRoot(): string {
  for (let dir = import.meta.dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${import.meta.dirname}`);
}
const ROOT = projectRoot();
const SITE = 'benchsite';

interface Options {
  lanes: number;
  seconds: number;
  rate: number;
  load: boolean;
}

function parseArgs(args: readonly string[]): Options {
  const opts: Options = { lanes: 50, seconds: 20, rate: 5, load: true };
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
    else if (flag === '--rate') opts.rate = value();
    else if (flag === '--no-load') opts.load = false;
    else throw new Error(`unknown option ${flag} (use --lanes N, --seconds S, --rate R, --no-load)`);
  }
  return opts;
}

const laneId = (i: number) => `fl-${String(i + 1).padStart(3, '0')}`;

function writeLane(dir: string, i: number, brokerUrl: string, publicKeyB64: string): string {
  const laneDir = join(dir, laneId(i));
  mkdirSync(join(laneDir, 'data'), { recursive: true });
  const secrets = join(laneDir, 'secrets.yaml');
  writeFileSync(secrets, `centralPublicKeys:\n  - "${publicKeyB64}"\n`);
  chmodSync(secrets, 0o600);
  const config = join(laneDir, 'lane.yaml');
  writeFileSync(
    config,
    [
      `lane: { id: ${laneId(i)}, site: ${SITE}, kind: ${i % 2 === 0 ? 'people' : 'vehicle'}, direction: entry }`,
      'log: { level: warn }',
      `storage: { dataDir: ${join(laneDir, 'data')} }`,
      `control: { socketPath: ${join(laneDir, 'c.sock')} }`,
      'display: { enabled: false }',
      `mqtt: { enabled: true, url: '${brokerUrl}' }`,
      `secretsFile: ${secrets}`,
      'devices:',
      '  - type: fake-io',
      '    name: lane-io',
      '    lines:',
      '      - { name: entry-door, direction: out }',
      '      - { name: exit-door, direction: out }',
      '      - { name: entry-beam, direction: in }',
      '      - { name: exit-beam, direction: in }',
      '      - { name: emergency, direction: in }',
      '',
    ].join('\n'),
  );
  return config;
}

interface Child {
  lane: string;
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnChild(cwd: string, lane: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'ignore' | 'pipe'): Child {
  const proc = spawn(process.execPath, args, { cwd, env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', ...env }, stdio: ['pipe', stdout, 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2_000)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { lane, proc, stderr: () => err, exited };
}

async function stopAll(children: readonly Child[]): Promise<void> {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
  const deadline = new Promise((r) => setTimeout(r, 15_000));
  await Promise.race([Promise.all(children.map((c) => c.exited)), deadline]);
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
}

/** Polls until `done()` or the timeout; returns the elapsed ms, or null on timeout. */
async function until(done: () => boolean, timeoutMs: number, failFast?: () => string | null): Promise<number | null> {
  const t0 = performance.now();
  while (!done()) {
    const failure = failFast?.();
    if (failure) throw new Error(failure);
    if (performance.now() - t0 > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 25));
  }
  return performance.now() - t0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function run(args: readonly string[]): Promise<BenchReport> {
  const opts = parseArgs(args);
  if (!existsSync(join(ROOT, 'dist', 'src', 'main.js')) || !existsSync(join(ROOT, 'dist', 'bench', 'fleet', 'load-lane.js'))) {
    throw new Error('dist/ is missing pieces: npm run build');
  }
  const dir = mkdtempSync(join(tmpdir(), 'lc-fleet-'));
  const app = snapshotBuild(ROOT, join(dir, 'app'));
  const main = join(app, 'dist', 'src', 'main.js');
  const loadLane = join(app, 'dist', 'bench', 'fleet', 'load-lane.js');
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = { ...opts, site: SITE };
  const keys = generateKeyPairSync('ed25519');
  const publicKeyB64 = (keys.publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
  let broker: Broker | null = null;
  let central: CentralSim | null = null;
  const children: Child[] = [];
  try {
    broker = await startBroker(dir);
    central = new CentralSim({ url: broker.url, site: SITE, key: keys.privateKey });
    await central.start();
    const states = central.states;
    const onlineCount = () => [...states.values()].filter((s) => s.state === 'online').length;

    // ---- phase 1: the daemons -------------------------------------------------------------------------
    const configs = Array.from({ length: opts.lanes }, (_, i) => writeLane(dir, i, broker!.url, publicKeyB64));
    const deadDaemon = () => {
      const dead = children.find((c) => c.proc.exitCode !== null);
      return dead ? `daemon ${dead.lane} exited ${dead.proc.exitCode}: ${dead.stderr()}` : null;
    };
    const t0 = performance.now();
    configs.forEach((config, i) => children.push(spawnChild(app, laneId(i), [main, '--config', config], {}, 'ignore')));
    const coldMs = await until(() => onlineCount() >= opts.lanes, 60_000 + opts.lanes * 2_000, deadDaemon);
    rows.push({ name: `cold start: all ${opts.lanes} daemons online (retained state), one machine`, value: coldMs === null ? Number.NaN : round(coldMs / 1000, 2), unit: 's' });
    if (coldMs === null) throw new Error(`only ${onlineCount()} of ${opts.lanes} lanes came online`);

    await sleep(3_000); // let start-up work (migrations, first drains) settle before measuring idle
    const idleMeter = new CpuMeter(broker.pid());
    await sleep(10_000);
    rows.push({ name: `broker CPU, ${opts.lanes} lanes connected and idle`, value: round(idleMeter.sample()), unit: '% of one core' });
    const rss = children.map((c) => rssMiB(c.proc.pid!)).filter((v): v is number => v !== null).sort((a, b) => a - b);
    rows.push({ name: 'daemon RSS, mean', value: round(rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length)), unit: 'MiB' });
    rows.push({ name: 'daemon RSS, max', value: round(rss[rss.length - 1] ?? Number.NaN), unit: 'MiB' });
    rows.push({ name: 'broker RSS', value: round(rssMiB(broker.pid()) ?? Number.NaN), unit: 'MiB' });

    // The reconnect storm: every lane loses the broker at once and must come back on its own.
    const births = new Map([...states].map(([lane, s]) => [lane, s.birth]));
    await broker.restart();
    const backOnline = () => [...states].filter(([lane, s]) => s.state === 'online' && s.birth !== births.get(lane)).length;
    const restartMs = await until(() => backOnline() >= opts.lanes, 120_000, deadDaemon);
    rows.push({ name: `broker restart: all ${opts.lanes} lanes online again`, value: restartMs === null ? Number.NaN : round(restartMs / 1000, 2), unit: 's' });
    meta['backOnlineAfterRestart'] = backOnline();
    meta['firstOnlineMs'] = round(performance.now() - t0);
    await stopAll(children);
    children.length = 0;

    // ---- phase 2: passages end to end (load lanes on the same data dirs) ------------------------------
    if (opts.load) {
      const latencies: number[] = [];
      const received = new Map<string, number>();
      let lastDeliveredAt = 0;
      central.on('event', (e) => {
        if (e.verdict !== 'new' || e.type !== 'event/passage') return;
        received.set(e.lane, (received.get(e.lane) ?? 0) + 1);
        lastDeliveredAt = performance.now();
      });
      central.on('raw', (topic, payload) => {
        if (!topic.endsWith('/event/passage')) return;
        try {
          const at = Date.parse((JSON.parse(payload.toString('utf8')) as { at: string }).at);
          if (Number.isFinite(at)) latencies.push(Date.now() - at);
        } catch {
          // malformed events are the ledger's business (counted as malformed by the simulator)
        }
      });
      const ready = new Set<string>();
      const appended = new Map<string, number>();
      /** How long each lane took to append its passages (longer than --seconds when the machine is saturated). */
      const appendMs = new Map<string, number>();
      for (let i = 0; i < opts.lanes; i++) {
        const lane = laneId(i);
        const child = spawnChild(
          app,
          lane,
          [loadLane],
          { LANE_DATA_DIR: join(dir, lane, 'data'), LANE_SITE: SITE, LANE_ID: lane, MQTT_URL: broker.url, CENTRAL_PUBLIC_KEY: publicKeyB64, RATE: String(opts.rate), SECONDS: String(opts.seconds) },
          'pipe',
        );
        createInterface({ input: child.proc.stdout! }).on('line', (line) => {
          const msg = JSON.parse(line) as { ready?: boolean; appended?: number; ms?: number };
          if (msg.ready) ready.add(lane);
          if (msg.appended !== undefined) appended.set(lane, msg.appended);
          if (msg.ms !== undefined) appendMs.set(lane, msg.ms);
        });
        children.push(child);
      }
      const deadLoad = () => {
        const dead = children.find((c) => c.proc.exitCode !== null);
        return dead ? `load lane ${dead.lane} exited ${dead.proc.exitCode}: ${dead.stderr()}` : null;
      };
      if ((await until(() => ready.size >= opts.lanes, 60_000 + opts.lanes * 2_000, deadLoad)) === null) throw new Error(`only ${ready.size} load lanes ready`);
      await sleep(1_000);
      const loadMeter = new CpuMeter(broker.pid());
      const go = performance.now();
      for (const c of children) c.proc.stdin!.write('go\n');
      const offered = opts.lanes * opts.rate * opts.seconds;
      const total = () => [...received.values()].reduce((a, b) => a + b, 0);
      await until(() => appended.size >= opts.lanes, opts.seconds * 1000 + 60_000, deadLoad);
      const appendedTotal = [...appended.values()].reduce((a, b) => a + b, 0);
      const drainMs = await until(() => total() >= appendedTotal, 60_000, deadLoad);
      const brokerCpu = loadMeter.sample();
      const deliveredSeconds = ((drainMs === null ? performance.now() : lastDeliveredAt) - go) / 1000;
      const report = central.ledger;
      let missing = 0;
      let duplicates = 0;
      for (let i = 0; i < opts.lanes; i++) {
        const r = report.report(laneId(i));
        missing += r.missing.length;
        duplicates += r.duplicates;
      }
      latencies.sort((a, b) => a - b);
      // The offered rate is what the lanes actually appended per second: on a saturated machine the load
      // lanes themselves fall behind their schedule, and that is not the broker's doing.
      const appendSeconds = Math.max(opts.seconds * 1000, ...appendMs.values()) / 1000;
      const offeredRate = appendedTotal / appendSeconds;
      const deliveredRate = total() / deliveredSeconds;
      rows.push({ name: 'passages appended (journal, all lanes)', value: round(offeredRate), unit: 'passages/s', goal: `${opts.lanes * opts.rate} planned` });
      rows.push({
        name: 'passages delivered end to end (unique at central)',
        value: round(deliveredRate),
        unit: 'passages/s',
        goal: 'all delivered, >= 95% of appended rate',
        pass: total() >= appendedTotal && deliveredRate >= 0.95 * offeredRate,
      });
      rows.push({ name: 'commit -> central latency p50', value: round(percentile(latencies, 50)), unit: 'ms' });
      rows.push({ name: 'commit -> central latency p99', value: round(percentile(latencies, 99)), unit: 'ms' });
      rows.push({ name: 'broker CPU under load', value: round(brokerCpu), unit: '% of one core' });
      rows.push({ name: 'sequence gaps at central after drain', value: missing, unit: 'seqs', goal: '0', pass: missing === 0 });
      meta['offeredPlanned'] = offered;
      meta['appendSeconds'] = round(appendSeconds, 2);
      meta['deliverySeconds'] = round(deliveredSeconds, 2);
      meta['appended'] = appendedTotal;
      meta['delivered'] = total();
      meta['duplicates'] = duplicates;
      meta['drained'] = drainMs !== null;
      meta['passageSource'] =
        'load lanes (bench/fleet/load-lane.ts): real Store + MqttLink per lane, Journal.appendGrouped at --rate; the lane runner (decision, actuation) is not in the path';
    }
    meta['machineNote'] = 'daemons, load lanes, broker and central simulator share this machine';
    return { suite: 'fleet', rows, meta };
  } finally {
    await stopAll(children);
    await central?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
