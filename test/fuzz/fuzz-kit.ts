import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { expect } from 'vitest';
import { watchCampaign } from './watchdog.js';

/**
 * Shared settings for the fuzz suite (test/fuzz). Every campaign:
 * - prints its seed and run count, so a failure can be replayed exactly:
 *     FUZZ_SEED=<seed> npx vitest run test/fuzz/<file>
 *   (FUZZ_RUNS=<n> scales every campaign; the default is 100,000 cases per campaign);
 * - bounds each case in time (a case slower than `caseMs` fails the run: a hang in a parser shows up as a
 *   slow case long before the test timeout), and a case that never returns is caught by a watchdog
 *   thread (watchdog.ts) that names the case and seed and kills the test process;
 * - checks the heap after a forced collection against the heap before, with a generous bound: a parser
 *   that keeps a reference to every input grows by hundreds of MB over 100k cases, noise does not;
 * - checks memory outside the JS heap (native: sharp/libvips, SQLite, buffers) from the end of a warm-up
 *   (the first tenth of the cases, where allocator arenas and caches fill) to the end of the campaign:
 *   the resident set size minus the V8 heap's reserved size, which grows and stays grown under
 *   allocation pressure without anything leaking (the used heap is checked on its own, above).
 */

export const DEFAULT_RUNS = 100_000;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got '${raw}'`);
  return value;
}

/** The seed for this process: FUZZ_SEED, or a fresh one (printed by every campaign). */
const SEED = envInt('FUZZ_SEED') ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const RUNS = envInt('FUZZ_RUNS');

export function fuzzSeed(): number {
  return SEED;
}

/** Cases for a campaign: FUZZ_RUNS when set, else `base` (100,000 unless a campaign says why it runs fewer). */
export function fuzzRuns(base: number = DEFAULT_RUNS): number {
  return RUNS ?? base;
}

let gcFn: (() => void) | null = null;

/** A real full collection: --expose-gc set at run time, `gc` fetched from a fresh context. */
export function forceGc(): void {
  if (!gcFn) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export function heapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}

export interface CampaignOptions {
  /** Cases; default fuzzRuns(). */
  runs?: number;
  /** Longest a single case may take, in ms (generous: the CI machine is busy). Default 1,000. */
  caseMs?: number;
  /** Allowed heap growth over the campaign, after a forced collection, in MB. Default 64. */
  heapGrowthMb?: number;
  /**
   * Allowed growth of native memory (RSS minus the V8 heap) after the warm-up, in MB. Default 128:
   * campaigns without a leak were measured at up to 40 MB (allocator noise, SQLite's page cache), while
   * a native leak of 2 KB per case (one small decoded image is 3 KB) is 180 MB over 90,000 cases.
   */
  nativeGrowthMb?: number;
}

export interface CampaignReport {
  name: string;
  seed: number;
  runs: number;
  slowestCaseMs: number;
  heapGrowthMb: number;
  nativeGrowthMb: number;
  elapsedMs: number;
}

function announce(name: string, seed: number, runs: number): void {
  // One line per campaign, always (also when it passes): the seed is what makes a CI failure replayable.
  console.log(`[fuzz] ${name}: seed=${seed} runs=${runs} (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs})`);
}

/** Resident memory outside the V8 heap. */
function nativeBytes(): number {
  const m = process.memoryUsage();
  return m.rss - m.heapTotal;
}

/** Counts cases, samples native memory once the warm-up is over, and tracks the slowest case. */
class CaseMeter {
  cases = 0;
  slowest = 0;
  nativeAfterWarmup: number | null = null;
  private readonly warmup: number;
  constructor(runs: number) {
    this.warmup = Math.floor(runs / 10);
  }
  started(): void {
    this.cases += 1;
    if (this.cases === this.warmup + 1) {
      forceGc();
      this.nativeAfterWarmup = nativeBytes();
    }
  }
  took(ms: number): void {
    if (ms > this.slowest) this.slowest = ms;
  }
}

function finish(name: string, seed: number, runs: number, meter: CaseMeter, before: number, started: number, opts: CampaignOptions): CampaignReport {
  const growthMb = (heapUsed() - before) / 1024 / 1024;
  // heapUsed() collected first, so the figure reflects what is still held.
  const nativeMb = meter.nativeAfterWarmup === null ? 0 : (nativeBytes() - meter.nativeAfterWarmup) / 1024 / 1024;
  const report: CampaignReport = {
    name,
    seed,
    runs,
    slowestCaseMs: Math.round(meter.slowest * 10) / 10,
    heapGrowthMb: Math.round(growthMb * 10) / 10,
    nativeGrowthMb: Math.round(nativeMb * 10) / 10,
    elapsedMs: Math.round(performance.now() - started),
  };
  console.log(
    `[fuzz] ${name}: ${meter.cases} cases done in ${report.elapsedMs} ms, slowest case ${report.slowestCaseMs} ms, heap growth ${report.heapGrowthMb} MB, native growth after warm-up ${report.nativeGrowthMb} MB`,
  );
  expect(meter.cases, `${name}: ran ${meter.cases} cases, expected ${runs}`).toBe(runs);
  expect(growthMb, `${name}: heap grew by ${growthMb.toFixed(1)} MB over ${runs} cases (seed ${seed})`).toBeLessThan(opts.heapGrowthMb ?? 64);
  expect(nativeMb, `${name}: memory outside the JS heap grew by ${nativeMb.toFixed(1)} MB after the warm-up (seed ${seed})`).toBeLessThan(opts.nativeGrowthMb ?? 128);
  return report;
}

/** The watchdog's stall limit: far above any honest case, even on a machine loaded tenfold. */
function stallMs(caseLimitMs: number): number {
  return Math.max(30_000, caseLimitMs * 10);
}

function slowCase(name: string, ms: number, limit: number): Error {
  return new Error(`${name}: one case took ${ms.toFixed(1)} ms (limit ${limit} ms): a parser must stay bounded on any input`);
}

/** One campaign's bookkeeping, shared by the sync and async runners so both measure cases the same way. */
interface Campaign {
  seed: number;
  runs: number;
  /** The per-case time limit in ms. */
  limit: number;
  /** Call as a case starts: feeds the stall watchdog and the meter; returns the start time for caseDone. */
  caseStarted(): number;
  /** Call as a case ends: records its time and throws when it took longer than the limit. */
  caseDone(t0: number): void;
  stopWatch(): void;
  finish(): CampaignReport;
}

/** Announces the campaign and starts its meter and watchdog; `defaultCaseMs` applies when opts.caseMs is unset. */
function openCampaign(name: string, opts: CampaignOptions, defaultCaseMs: number): Campaign {
  const seed = fuzzSeed();
  const runs = opts.runs ?? fuzzRuns();
  const limit = opts.caseMs ?? defaultCaseMs;
  announce(name, seed, runs);
  const before = heapUsed();
  const started = performance.now();
  const meter = new CaseMeter(runs);
  const watch = watchCampaign(name, seed, runs, stallMs(limit));
  return {
    seed,
    runs,
    limit,
    caseStarted() {
      watch.beat();
      meter.started();
      return performance.now();
    },
    caseDone(t0) {
      const ms = performance.now() - t0;
      meter.took(ms);
      if (ms > limit) throw slowCase(name, ms, limit);
    },
    stopWatch: () => watch.stop(),
    finish: () => finish(name, seed, runs, meter, before, started, opts),
  };
}

/**
 * Runs `check` on `runs` generated cases with the campaign's seed. `check` throws (or fails an expect) when a
 * case is handled wrongly; fast-check then shrinks it and the error names the seed and the counterexample.
 */
export function fuzz<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => void, opts: CampaignOptions = {}): CampaignReport {
  const campaign = openCampaign(name, opts, 1_000);
  try {
    fc.assert(
      fc.property(arb, (input) => {
        const t0 = campaign.caseStarted();
        check(input);
        campaign.caseDone(t0);
      }),
      { seed: campaign.seed, numRuns: campaign.runs, endOnFailure: false },
    );
  } finally {
    campaign.stopWatch();
  }
  return campaign.finish();
}

/** The same for async checks (image decoding, socket round trips); fast-check's timeout bounds each case. */
export async function fuzzAsync<T>(name: string, arb: fc.Arbitrary<T>, check: (input: T) => Promise<void>, opts: CampaignOptions = {}): Promise<CampaignReport> {
  const campaign = openCampaign(name, opts, 5_000);
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const t0 = campaign.caseStarted();
        await check(input);
        campaign.caseDone(t0);
      }),
      { seed: campaign.seed, numRuns: campaign.runs, timeout: campaign.limit * 2 },
    );
  } finally {
    campaign.stopWatch();
  }
  return campaign.finish();
}

/**
 * Coverage checks (the generators reached deep states: codes decoded, tags read, every refusal reason
 * seen) are made only at a meaningful size, so a quick replay with a small FUZZ_RUNS does not fail on them.
 */
export function checksCoverage(report: CampaignReport): boolean {
  return report.runs >= 5_000;
}

/**
 * A cheap assertion for the hot loop of a campaign (vitest's expect costs microseconds per call, which
 * 100,000 cases multiply into minutes). Throws with the message, so fast-check reports the case.
 */
export function must(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new Error(typeof message === 'string' ? message : message());
}

// ---- mutation operators ---------------------------------------------------------------------------

type ByteMutation = (b: Uint8Array) => Uint8Array;

const oneByteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  // flip one bit
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const out = Buffer.from(b); // a copy: Buffer#slice would be a view and corrupt the corpus
    out[at % b.length]! ^= 1 << bit;
    return out;
  }),
  // overwrite one byte, preferring the values parsers branch on
  fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x0a, 0x0d, 0x7f, 0x80, 0xff))).map(
    ([at, v]): ByteMutation =>
      (b) => {
        if (b.length === 0) return b;
        const out = Buffer.from(b); // a copy: Buffer#slice would be a view and corrupt the corpus
        out[at % b.length] = v;
        return out;
      },
  ),
  // insert a few bytes
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, ins]): ByteMutation => (b) => {
    const i = b.length === 0 ? 0 : at % (b.length + 1);
    return Buffer.concat([b.subarray(0, i), ins, b.subarray(i)]);
  }),
  // delete a run
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([at, n]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const i = at % b.length;
    return Buffer.concat([b.subarray(0, i), b.subarray(i + n)]);
  }),
  // truncate
  fc.nat().map((at): ByteMutation => (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length)),
  // duplicate a slice (a retransmission glued in)
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 32 })).map(([at, n]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const i = at % b.length;
    return Buffer.concat([b.subarray(0, i + n), b.subarray(i)]);
  }),
  // write a 16/32-bit boundary value (length fields are where parsers break)
  fc.tuple(fc.nat(), fc.constantFrom(0x0000, 0x0001, 0x7fff, 0x8000, 0xffff, 0xffffffff, 0x7fffffff)).map(([at, v]): ByteMutation => (b) => {
    if (b.length < 4) return b;
    const out = Buffer.from(b);
    const i = at % (b.length - 3);
    if (v > 0xffff) out.writeUInt32BE(v >>> 0, i);
    else out.writeUInt16BE(v, i);
    return out;
  }),
);

/** 1-4 mutations in a row: most mutants stay close to valid input and travel deep into the parser. */
export const byteMutations: fc.Arbitrary<ByteMutation> = fc
  .array(oneByteMutation, { minLength: 1, maxLength: 4 })
  .map((ms) => (b: Uint8Array) => ms.reduce((acc, m) => m(acc), b));

/** A valid seed from `corpus`, mutated. */
export function mutated(corpus: readonly Uint8Array[]): fc.Arbitrary<Buffer> {
  const frozen = corpus.map((c) => Buffer.from(c));
  return fc.tuple(fc.constantFrom(...frozen), byteMutations).map(([seed, m]) => Buffer.from(m(Buffer.from(seed))));
}

/** The same operators on text, by code point. */
export function mutatedText(corpus: readonly string[], alphabet: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const one = fc.oneof(
    fc.tuple(fc.nat(), alphabet).map(([at, c]) => (a: string[]) => {
      if (a.length === 0) return [c];
      const out = a.slice();
      out[at % a.length] = c;
      return out;
    }),
    fc.tuple(fc.nat(), alphabet).map(([at, c]) => (a: string[]) => {
      const out = a.slice();
      out.splice(a.length === 0 ? 0 : at % (a.length + 1), 0, c);
      return out;
    }),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([at, n]) => (a: string[]) => {
      if (a.length === 0) return a;
      const out = a.slice();
      out.splice(at % a.length, n);
      return out;
    }),
    fc.nat().map((at) => (a: string[]) => a.slice(0, a.length === 0 ? 0 : at % a.length)),
    // move a line elsewhere (YAML indentation and section order)
    fc.tuple(fc.nat(), fc.nat()).map(([from, to]) => (a: string[]) => {
      const lines = a.join('').split('\n');
      if (lines.length < 2) return a;
      const [line] = lines.splice(from % lines.length, 1);
      lines.splice(to % (lines.length + 1), 0, line!);
      return [...lines.join('\n')];
    }),
  );
  return fc
    .tuple(fc.constantFrom(...corpus), fc.array(one, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => ms.reduce((acc, m) => m(acc), [...seed]).join(''));
}

/** Splits bytes into chunks at generated points: serial and TCP deliver arbitrary pieces. */
export function chunked(bytes: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer[]> {
  return fc.tuple(bytes, fc.array(fc.nat(), { maxLength: 6 })).map(([b, cuts]) => {
    const points = [...new Set(cuts.map((c) => (b.length === 0 ? 0 : c % b.length)))].sort((x, y) => x - y);
    const out: Buffer[] = [];
    let from = 0;
    for (const p of points) {
      out.push(b.subarray(from, p));
      from = p;
    }
    out.push(b.subarray(from));
    return out;
  });
}
