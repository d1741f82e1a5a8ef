import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Hang guard for the fuzz campaigns. A case that loops forever in synchronous code never returns to the
 * event loop, so no timer in this thread (the case time limit, fast-check's timeout, vitest's test
 * timeout) can fire. A worker thread watches a heartbeat the campaign bumps once per case: when it
 * stops moving for `stallMs`, the worker prints the campaign, seed and case number to stderr and kills
 * the process, which vitest reports as a failed test file instead of a CI job that never ends.
 */

// Slots of the shared heartbeat: [cases started, armed (0/1)].
const BEAT = 0;
const ARMED = 1;

// Plain CommonJS for `eval: true` (no TypeScript loader inside the worker).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const slots = new Int32Array(workerData.shared);
let campaign = null;
let last = -1;
let since = Date.now();
parentPort.on('message', (m) => { campaign = m; last = -1; since = Date.now(); });
setInterval(() => {
  if (Atomics.load(slots, ${ARMED}) === 0 || campaign === null) { since = Date.now(); return; }
  const beat = Atomics.load(slots, ${BEAT});
  if (beat !== last) { last = beat; since = Date.now(); return; }
  const stalled = Date.now() - since;
  if (stalled < campaign.stallMs) return;
  writeSync(2, '\\n[fuzz] HANG: ' + campaign.name + ' case ' + beat + ' has not returned for ' + stalled + ' ms (seed ' + campaign.seed +
    '; replay: FUZZ_SEED=' + campaign.seed + ' FUZZ_RUNS=' + campaign.runs + '); killing the test process\\n');
  process.kill(process.pid, 'SIGKILL');
}, 250);
`;

let worker: Worker | null = null;
let slots: Int32Array | null = null;

export interface Watch {
  /** Call at the start of every case (a single Atomics store: cheap enough for 100,000 cases). */
  beat(): void;
  /** Stop watching (the campaign is over, or failed and is being reported). */
  stop(): void;
}

/** Starts watching a campaign; the worker is created once per test process and never keeps it alive. */
export function watchCampaign(name: string, seed: number, runs: number, stallMs: number): Watch {
  if (worker === null || slots === null) {
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    slots = new Int32Array(shared);
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { shared } });
    worker.unref();
    worker.on('error', (err) => writeSync(2, `[fuzz] hang watchdog failed: ${String(err)}\n`));
  }
  const s = slots;
  Atomics.store(s, BEAT, 0);
  worker.postMessage({ name, seed, runs, stallMs });
  Atomics.store(s, ARMED, 1);
  return {
    beat: () => void Atomics.add(s, BEAT, 1),
    stop: () => void Atomics.store(s, ARMED, 0),
  };
}
