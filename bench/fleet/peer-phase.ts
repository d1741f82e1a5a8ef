import { createInterface } from 'node:readline';
import type { CentralSim } from '../../src/sync/central-sim/central-sim.js';
import { percentile, type BenchRow } from '../report.js';
import { CentralTap } from './central-tap.js';
import { SITE, type LaneFiles } from './lane-files.js';
import { deadChild, round, sleep, spawnChild, stopAll, until, type Child } from './processes.js';
import { CpuMeter } from './proc-stats.js';

/**
 * The peer: the same lanes' data folders taken over by "load lanes" (load-lane.ts: the real Store and
 * MqttLink, appending passages to the journal at a fixed rate) once the daemons are stopped. Same
 * broker, same central, same journal -> outbox -> MQTT path, but no lane runner, no devices, no
 * control socket traffic. Offered at the per-lane rate the runner sustained, it shows what the
 * runner's process adds to commit -> central latency and broker load; offered at a higher --peer-rate
 * it shows the infrastructure's headroom. Its rows are labelled "peer (no runner)".
 */
export interface PeerPhaseInput {
  app: string;
  loadLane: string;
  lanes: readonly LaneFiles[];
  brokerUrl: string;
  brokerPid: () => number;
  centralPublicKey: string;
  central: CentralSim;
  rate: number;
  seconds: number;
}

export interface PeerPhaseResult {
  rows: BenchRow[];
  meta: Record<string, unknown>;
  commitToCentralP50: number;
  commitToCentralP99: number;
  brokerCpu: number;
}

export async function peerPhase(input: PeerPhaseInput): Promise<PeerPhaseResult> {
  const { lanes, central } = input;
  const tap = new CentralTap(central);
  const children: Child[] = [];
  try {
    const ready = new Set<string>();
    const appended = new Map<string, number>();
    /** How long each lane took to append its passages (longer than --seconds when the machine is saturated). */
    const appendMs = new Map<string, number>();
    for (const l of lanes) {
      const child = spawnChild(
        input.app,
        l.lane,
        [input.loadLane],
        { LANE_DATA_DIR: l.dataDir, LANE_SITE: SITE, LANE_ID: l.lane, MQTT_URL: input.brokerUrl, CENTRAL_PUBLIC_KEY: input.centralPublicKey, RATE: String(input.rate), SECONDS: String(input.seconds) },
        'pipe',
      );
      createInterface({ input: child.proc.stdout! }).on('line', (line) => {
        let msg: { ready?: boolean; appended?: number; ms?: number };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          return; // not one of ours (a stray console line): the phase times out if the real one never comes
        }
        if (msg.ready) ready.add(l.lane);
        if (msg.appended !== undefined) appended.set(l.lane, msg.appended);
        if (msg.ms !== undefined) appendMs.set(l.lane, msg.ms);
      });
      children.push(child);
    }
    const dead = () => deadChild(children, 'load lane');
    if ((await until(() => ready.size >= lanes.length, 60_000 + lanes.length * 2_000, dead)) === null) throw new Error(`only ${ready.size} of ${lanes.length} load lanes ready`);
    await sleep(1_000);
    const brokerMeter = new CpuMeter(input.brokerPid());
    const go = performance.now();
    for (const c of children) c.proc.stdin!.write('go\n');
    await until(() => appended.size >= lanes.length, input.seconds * 1000 + 60_000, dead);
    const appendedTotal = [...appended.values()].reduce((a, b) => a + b, 0);
    const drainMs = await until(() => tap.total() >= appendedTotal, 60_000, dead);
    const brokerCpu = brokerMeter.sample();
    const deliveredSeconds = ((drainMs === null ? performance.now() : tap.lastAt) - go) / 1000;
    const appendSeconds = Math.max(input.seconds * 1000, ...appendMs.values()) / 1000;
    const offeredRate = appendedTotal / appendSeconds;
    const deliveredRate = tap.total() / Math.max(1e-3, deliveredSeconds);
    let gaps = 0;
    for (const l of lanes) gaps += central.ledger.report(l.lane).missing.length;
    const c2c = [...tap.commitToCentral].sort((a, b) => a - b);
    const rows: BenchRow[] = [
      { name: 'peer (no runner): passages appended', value: round(offeredRate, 2), unit: 'passages/s', goal: `${round(input.rate * lanes.length, 2)} planned` },
      {
        name: 'peer (no runner): passages delivered (unique at central)',
        value: round(deliveredRate, 2),
        unit: 'passages/s',
        goal: 'all delivered, >= 95% of appended rate',
        pass: tap.total() >= appendedTotal && deliveredRate >= 0.95 * offeredRate,
      },
      { name: 'peer (no runner): commit -> central latency p50', value: round(percentile(c2c, 50)), unit: 'ms' },
      { name: 'peer (no runner): commit -> central latency p99', value: round(percentile(c2c, 99)), unit: 'ms' },
      { name: 'peer (no runner): broker CPU', value: round(brokerCpu), unit: '% of one core' },
      { name: 'peer (no runner): sequence gaps at central after drain', value: gaps, unit: 'seqs', goal: '0', pass: gaps === 0 },
    ];
    const meta = {
      ratePerLane: input.rate,
      seconds: input.seconds,
      appendSeconds: round(appendSeconds, 2),
      deliverySeconds: round(deliveredSeconds, 2),
      appended: appendedTotal,
      delivered: tap.total(),
      duplicates: tap.duplicates,
      drained: drainMs !== null,
      source: 'load lanes (bench/fleet/load-lane.ts): real Store + MqttLink per lane, Journal.appendGrouped at ratePerLane; no runner, no devices',
    };
    return { rows, meta, commitToCentralP50: percentile(c2c, 50), commitToCentralP99: percentile(c2c, 99), brokerCpu };
  } finally {
    tap.close();
    await stopAll(children);
  }
}
