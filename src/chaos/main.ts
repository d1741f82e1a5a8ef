#!/usr/bin/env node
/**
 * `npm run chaos -- --minutes N [--seed S] [--json FILE] [--dir DIR]`: both demo lanes under passage load
 * while faults are injected at seeded random times; then checks that nothing granted was lost, duplicated
 * or reordered on its way to the central system, that no barrier closed on a presence, that every fault
 * was recovered from, that the journal chain verifies and that no log line carries personal data.
 * See docs/chaos.md. Exit codes: 0 every check passed, 1 a check failed, 2 bad arguments, 3 the rig
 * could not start.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../control/client.js';
import { LANE_IDS, type LaneName } from '../demo/orchestrator.js';
import { LANES, ChaosRig, sleep } from './chaos-rig.js';
import { journalFacts, judge, markedIdentities, recoveryTable, scanLogs, type LaneJournalFacts } from './checks.js';
import { EventWatch } from './event-watch.js';
import { FaultRunner, planFaults } from './faults.js';
import { PassageLoad, summariseLoad } from './load.js';
import { MosquittoProcess } from './mosquitto-process.js';
import { loadPiiScanner } from './pii-loader.js';
import { Rng } from './rng.js';
import { parseToolArgs, toolUsage } from '../util/tool-args.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const USAGE = 'usage: npm run chaos -- --minutes N [--seed S] [--json FILE] [--dir DIR] [--period-ms MS]';

function usage(message: string): never {
  return toolUsage('chaos', USAGE, message);
}

const values = parseToolArgs('chaos', USAGE, {
  options: {
    minutes: { type: 'string', default: '5' },
    seed: { type: 'string' },
    json: { type: 'string', default: join(projectRoot, 'bench-results', 'chaos.json') },
    dir: { type: 'string', default: join(projectRoot, 'var', 'chaos') },
    'period-ms': { type: 'string', default: '200' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
}).values;
const minutes = Number(values.minutes);
if (!Number.isFinite(minutes) || minutes < 0.5 || minutes > 24 * 60) usage('--minutes takes a number from 0.5 to 1440');
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) usage('--seed takes a whole number >= 0');
const periodMs = Number(values['period-ms']);
if (!Number.isInteger(periodMs) || periodMs < 50) usage('--period-ms takes a whole number >= 50');
if (!MosquittoProcess.available()) {
  process.stderr.write('chaos: needs a real Mosquitto (/usr/sbin/mosquitto, apt-get install mosquitto) or MOSQUITTO_BIN\n');
  process.exit(3);
}

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const durationS = Math.round(minutes * 60);
const plan = planFaults(new Rng(seed), durationS);
print(`chaos run: ${minutes} min, seed ${seed} (replay: npm run chaos -- --minutes ${minutes} --seed ${seed}), folder ${values.dir}`);
print('fault plan (seconds after the load starts; each waits for the previous fault to recover):');
for (const f of plan) print(`  ${String(f.atS).padStart(5)} s  ${f.kind}${f.link ? ` ${f.link}` : ''} (${f.lanes.join('+')})`);

const rig = new ChaosRig({ projectRoot, dir: values.dir, print });
let stopping = false;
process.on('exit', () => rig.killNow());
const interrupt = (): void => {
  if (stopping) return;
  stopping = true;
  print('interrupted: stopping the lanes and the rig...');
  void rig.stop().then(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const startedAt = Date.now();
try {
  print('starting the broker, simulators, PLC, central simulator and both lanes...');
  await rig.start();
} catch (err) {
  process.stderr.write(`chaos: the rig could not start: ${(err as Error).message}\n`);
  await rig.stop();
  process.exit(3);
}

const sockets: Record<LaneName, string> = { people: rig.paths.lane('people').socket, vehicle: rig.paths.lane('vehicle').socket };
const watch = new EventWatch(sockets);
const load = new PassageLoad(rig.paths.orchestratorSocket, sockets, new Rng((seed ^ 0x5bd1e995) >>> 0), periodMs);
const faults = new FaultRunner(rig, (lane, scenario) => load.prefer(lane, scenario), print);
watch.start();
const loadStart = Date.now();
load.start();
print(`load running: a passage offered every ${periodMs} ms, alternating people and vehicle lanes`);
// Faults run one at a time and may push past the nominal end; the load goes on for them, up to a bound.
const overtimeS = Math.max(90, Math.round(durationS * 0.3));
const hardStop = loadStart + (durationS + overtimeS) * 1000;
const overtime = (): boolean => stopping || Date.now() > hardStop;
const faultRun = faults.run(plan, loadStart, overtime);
const progress = setInterval(() => {
  const done = Object.values(load.stats.completed).reduce((a, b) => a + b, 0);
  const failed = Object.values(load.stats.failed).reduce((a, b) => a + b, 0);
  print(`  +${Math.round((Date.now() - loadStart) / 1000)} s  scenarios done ${done}, failed ${failed}; central has ${LANES.map((l) => `${l} ${rig.central.passages.get(LANE_IDS[l])?.length ?? 0}`).join(', ')}`);
}, 30_000);
// The load runs for the whole duration, and longer if faults are still being recovered from.
while (!overtime() && (Date.now() - loadStart < durationS * 1000 || faults.results.length < plan.length)) await sleep(500);
await faultRun;
clearInterval(progress);
print('load done; letting the lanes finish and drain their outboxes...');
await load.stop();
await drain();
await watch.stop();
print('stopping the lanes (SIGTERM) and the rig...');
await rig.stop();

const journals: LaneJournalFacts[] = [];
for (const lane of LANES) journals.push(await journalFacts(lane, rig.paths.lane(lane).dataDir, rig.keys.siteHmacKey, rig.central));
const scanner = await loadPiiScanner(projectRoot);
const pii = scanLogs(scanner, LANES.map((l) => rig.paths.lane(l).log), markedIdentities(rig.data, rig.signedQr));
const checks = judge(journals, watch.safety, faults.results, plan.length, pii, rig.unplannedExits.length);
const recovery = recoveryTable(faults.results);

print('');
print(`chaos run finished after ${Math.round((Date.now() - startedAt) / 1000)} s (seed ${seed})`);
print(table(['CHECK', 'RESULT', 'DETAIL'], checks.map((c) => [c.name, c.ok ? 'PASS' : 'FAIL', c.detail])));
print('');
print(table(['FAULT', 'COUNT', 'RECOVERED', 'TTR MAX s', 'TTR P99 s'], recovery.map((r) => [r.kind, String(r.count), String(r.recovered), secs(r.maxMs), secs(r.p99Ms)])));
print('');
const done = Object.values(load.stats.completed).reduce((a, b) => a + b, 0);
const loadSummary = summariseLoad(load.stats);
print(
  table(
    ['LANE', 'OFFERED', 'BUSY', 'STARTED', 'COMPLETED', 'FAILED', 'COMPLETED/S', 'MEAN s', 'MAX s'],
    loadSummary.lanes.map((l) => [l.lane, String(l.offered), String(l.busy), String(l.started), String(l.completed), String(l.failed), l.completedPerS.toFixed(2), l.meanS === null ? '-' : l.meanS.toFixed(1), l.maxS === null ? '-' : l.maxS.toFixed(1)]),
  ),
);
print(
  `load: ${load.stats.ticks} offers in ${loadSummary.seconds.toFixed(0)} s (${loadSummary.offeredPerS.toFixed(2)}/s), ${done} passages completed (${loadSummary.completedPerS.toFixed(2)}/s), ${load.stats.busy} offers found the lane busy; scenarios ${JSON.stringify(load.stats.started)}; failed ${JSON.stringify(load.stats.failed)}`,
);
print(`journals: ${journals.map((j) => `${j.lane} ${j.passages} passages (${j.grants} grant, ${j.denies} deny, ${j.refers} refer)`).join('; ')}; QoS 1 redeliveries de-duplicated at central: ${rig.central.redeliveries}`);
for (const o of watch.safety.leftOpen) {
  print(`left open: ${o.lane} lane left ${o.barrier} open while idle for ${((o.until - o.from) / 1000).toFixed(1)} s from ${new Date(o.from).toISOString()}; its events (ms from then):`);
  for (const line of o.trail) print(`    ${line}`);
}
if (pii.offending > 0) print(`personal data found in logs:\n${pii.report}`);
if (rig.deaths.length > 0) print(`parts that exited during the run: ${rig.deaths.map((d) => `${d.what} (${d.how})`).join(', ')}`);
for (const e of rig.unplannedExits) print(`unplanned exit: ${e.lane} lane ${e.how}`);

const ok = checks.every((c) => c.ok);
const report = {
  ok,
  seed,
  minutes,
  periodMs,
  startedAt: new Date(startedAt).toISOString(),
  durationS: Math.round((Date.now() - startedAt) / 1000),
  checks,
  recovery,
  faults: faults.results,
  journals,
  closeViolations: watch.safety.violations,
  barrierLeftOpenOnIdleLane: watch.safety.leftOpen,
  eventWatch: watch.stats,
  load: {
    ...load.stats,
    // Per-passage times are summarised (mean, max), not listed: a day's run completes tens of thousands.
    perLane: Object.fromEntries(Object.entries(load.stats.perLane).map(([lane, l]) => [lane, { ...l, completedMs: undefined }])),
    summary: loadSummary,
    failures: load.stats.failures.slice(0, 200),
  },
  centralRedeliveries: rig.central.redeliveries,
  pii: { linesScanned: pii.linesScanned, offending: pii.offending },
  unplannedExits: rig.unplannedExits,
  partExits: rig.deaths,
};
mkdirSync(dirname(resolve(values.json)), { recursive: true });
writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
print(`${ok ? 'ALL CHECKS PASSED' : 'CHECKS FAILED'}; report written to ${values.json}`);
process.exit(ok ? 0 : 1);

/** Waits (bounded) until both lanes are idle and the central system has every journaled passage. */
async function drain(): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    let settled = true;
    for (const lane of LANES) {
      try {
        const r = (await request(sockets[lane], 'passages last', { n: 1 }, { timeoutMs: 5_000 })) as { passages: Array<{ record: { seq: number } }> };
        const last = r.passages[0]?.record.seq ?? 0;
        const got = rig.central.passages.get(LANE_IDS[lane]) ?? [];
        if (!got.some((p) => p.journalSeq === last) && last > 0) settled = false;
      } catch {
        settled = false;
      }
    }
    if (settled || Date.now() > deadline) return;
    await sleep(500);
  }
}

function secs(ms: number | null): string {
  return ms === null ? '-' : (ms / 1000).toFixed(1);
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
