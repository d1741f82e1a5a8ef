import { loadavg } from 'node:os';
import { request } from '../../src/control/client.js';
import type { CentralSim } from '../../src/sync/central-sim/central-sim.js';
import { percentile, type BenchRow } from '../report.js';
import { CentralTap } from './central-tap.js';
import type { LaneFiles } from './lane-files.js';
import type { Child } from './processes.js';
import { deadChild, round, until } from './processes.js';
import { CpuMeter, cpuSeconds, rssMiB } from './proc-stats.js';
import type { FleetScanner } from './scanners.js';
import { Traveller } from './traveller.js';

/**
 * The headline phase: passages through the real lane daemons. Each lane gets a stream of travellers
 * (traveller.ts) for `seconds`; afterwards every lane's journal head is read over its control socket
 * and the central simulator must hold exactly those passages, once each, with no sequence gap.
 */
export interface RunnerPhaseInput {
  lanes: readonly LaneFiles[];
  daemons: readonly Child[];
  scanners: ReadonlyMap<string, FleetScanner>;
  tokens: ReadonlyMap<string, string[]>;
  central: CentralSim;
  brokerPid: () => number;
  seconds: number;
}

export interface RunnerPhaseResult {
  rows: BenchRow[];
  meta: Record<string, unknown>;
  /** Passages per second per lane the runner sustained (the peer phase offers the same). */
  perLaneRate: number;
  commitToCentralP50: number;
  commitToCentralP99: number;
  brokerCpu: number;
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const sum = (xs: Iterable<number>) => {
  let s = 0;
  for (const x of xs) s += x;
  return s;
};

async function journalHead(socket: string): Promise<number> {
  const r = (await request(socket, 'passages last', { n: 1 }, { timeoutMs: 15_000 })) as { passages: Array<{ record: { seq: number } }> };
  return r.passages[0]?.record.seq ?? 0;
}

export async function runnerPhase(input: RunnerPhaseInput): Promise<RunnerPhaseResult> {
  const { lanes, central } = input;
  const n = lanes.length;
  const travellers = lanes.map((l) => new Traveller(l.lane, l.socket, input.scanners.get(l.lane)!, input.tokens.get(l.lane) ?? []));
  // Every lane idle, in service and with its doors shut before the clock starts (first door commands
  // after start-up settle the positions the driver could only assume).
  await Promise.all(travellers.map((t) => t.ready(60_000)));
  const before = await Promise.all(lanes.map((l) => journalHead(l.socket)));

  const tap = new CentralTap(central);
  const brokerMeter = new CpuMeter(input.brokerPid());
  const daemonCpu0 = sum(input.daemons.map((d) => cpuSeconds(d.proc.pid!) ?? 0));
  const selfCpu0 = process.cpuUsage();
  const go = performance.now();
  await Promise.all(travellers.map((t) => t.runUntil(go + input.seconds * 1000)));
  const driveMs = performance.now() - go;
  const selfCpu = process.cpuUsage(selfCpu0);
  const daemonCpu = sum(input.daemons.map((d) => cpuSeconds(d.proc.pid!) ?? 0)) - daemonCpu0;

  const heads = await Promise.all(lanes.map((l) => journalHead(l.socket)));
  const journaled = new Map(lanes.map((l, i) => [l.lane, heads[i]! - before[i]!]));
  const drainMs = await until(() => lanes.every((l) => (tap.perLane.get(l.lane) ?? 0) >= journaled.get(l.lane)!), 60_000, () => deadChild(input.daemons, 'daemon'));
  const brokerCpu = brokerMeter.sample();
  const rss = sorted(input.daemons.map((d) => rssMiB(d.proc.pid!)).filter((v): v is number => v !== null));
  tap.close();

  const t = travellers.map((x) => x.tally);
  const offered = sum(t.map((x) => x.offered));
  const completed = sum(t.map((x) => x.completed));
  const refused = sum(t.map((x) => x.refused));
  const journaledTotal = sum(journaled.values());
  const delivered = tap.total();
  const deliveredSeconds = ((tap.lastAt || performance.now()) - go) / 1000;
  const rate = delivered / Math.max(1e-3, deliveredSeconds);
  let gaps = 0;
  let conflicts = 0;
  for (const l of lanes) {
    const r = central.ledger.report(l.lane);
    gaps += r.missing.length;
    conflicts += r.seqConflicts;
  }
  const mismatched = lanes.filter((l) => (tap.perLane.get(l.lane) ?? 0) !== journaled.get(l.lane)).map((l) => `${l.lane}: journal ${journaled.get(l.lane)}, central ${tap.perLane.get(l.lane) ?? 0}`);
  const stuck = travellers.filter((x) => x.tally.stuck !== null).map((x) => x.tally.stuck!);
  const c2c = sorted(tap.commitToCentral);
  const p2c = sorted(tap.presentedToCentral);
  const cycle = sorted(t.flatMap((x) => x.cycleMs));

  const rows: BenchRow[] = [
    {
      name: 'passages end to end through the lane runner (unique at central)',
      value: round(rate, 2),
      unit: 'passages/s',
      goal: 'every journaled passage at central',
      pass: delivered === journaledTotal && journaledTotal > 0 && mismatched.length === 0,
    },
    { name: 'runner: travellers offered (codes presented)', value: offered, unit: 'count' },
    { name: 'runner: travellers completed (out through the exit door)', value: completed, unit: 'count', goal: '= offered', pass: completed === offered && stuck.length === 0 },
    { name: 'runner: passages journaled (all lanes)', value: journaledTotal, unit: 'count' },
    { name: 'runner: passages at central (unique)', value: delivered, unit: 'count', goal: '= journaled', pass: delivered === journaledTotal },
    { name: 'runner: duplicate deliveries at central', value: tap.duplicates, unit: 'count' },
    { name: 'runner: sequence gaps at central after drain', value: gaps, unit: 'seqs', goal: '0', pass: gaps === 0 && conflicts === 0 },
    { name: 'runner: commit -> central latency p50', value: round(percentile(c2c, 50)), unit: 'ms' },
    { name: 'runner: commit -> central latency p99', value: round(percentile(c2c, 99)), unit: 'ms' },
    { name: 'runner: code presented -> central latency p50', value: round(percentile(p2c, 50)), unit: 'ms' },
    { name: 'runner: code presented -> central latency p99', value: round(percentile(p2c, 99)), unit: 'ms' },
    { name: 'runner: traveller cycle (code -> out through exit beam) p50', value: round(percentile(cycle, 50)), unit: 'ms' },
    { name: 'runner: broker CPU', value: round(brokerCpu), unit: '% of one core' },
    { name: 'runner: daemon CPU per lane, mean', value: round((daemonCpu / (driveMs / 1000) / Math.max(1, n)) * 100), unit: '% of one core' },
    { name: 'runner: daemon RSS after the run, mean', value: round(sum(rss) / Math.max(1, rss.length)), unit: 'MiB' },
    { name: 'runner: daemon RSS after the run, max', value: round(rss[rss.length - 1] ?? Number.NaN), unit: 'MiB' },
  ];
  const meta: Record<string, unknown> = {
    seconds: input.seconds,
    driveSeconds: round(driveMs / 1000, 2),
    deliverySeconds: round(deliveredSeconds, 2),
    drained: drainMs !== null,
    offered,
    completed,
    refused,
    journaled: journaledTotal,
    delivered,
    duplicates: tap.duplicates,
    gaps,
    seqConflicts: conflicts,
    malformed: tap.malformed,
    outcomes: Object.fromEntries(tap.outcomes),
    perLaneCompleted: { min: Math.min(...t.map((x) => x.completed)), max: Math.max(...t.map((x) => x.completed)) },
    cycleMsP99: round(percentile(cycle, 99)),
    controlRequests: sum(t.map((x) => x.requests)),
    driverCpuPercentOfOneCore: round(((selfCpu.user + selfCpu.system) / 1000 / driveMs) * 100),
    loadavgAfter: loadavg().map((v) => round(v, 2)),
    mismatched: mismatched.slice(0, 10),
    stuck: stuck.slice(0, 10),
  };
  return { rows, meta, perLaneRate: rate / Math.max(1, n), commitToCentralP50: percentile(c2c, 50), commitToCentralP99: percentile(c2c, 99), brokerCpu };
}
