/**
 * Pure aggregation of per-crop outcomes into the `eval plates` report: exact-match rates by
 * country and by country x row count, for our reader and the naive baseline side by side, and
 * the time per plate. Kept apart from file and model handling so it is tested on its own.
 */
export interface CropOutcome {
  file: string;
  country: string;
  rows: 1 | 2;
  expected: string;
  /** Our compact reading ('' when no grammar fitted or the image was refused). */
  ours: string;
  /** Baseline compact reading, when the baseline ran. */
  naive?: string;
  ms: number;
  /** CPU time of the process during our read (all threads): close to idle-core time on a busy machine. */
  cpuMs?: number;
  naiveMs?: number;
  naiveCpuMs?: number;
  /** Extra recogniser runs our reader took (second looks at an ambiguous crop). */
  rereads?: number;
  /** Reason code when the crop could not be read at all. */
  error?: string;
}

export interface GroupStats {
  n: number;
  exact: number;
  rate: number;
  naiveExact?: number;
  naiveRate?: number;
}

export interface TimingStats {
  mean: number;
  p50: number;
  p99: number;
}

export interface PlateEvalSummary {
  n: number;
  exact: number;
  rate: number;
  naiveRate?: number;
  byCountry: Record<string, GroupStats>;
  /** Keys like `VN/2` (country / row count). */
  byCountryRows: Record<string, GroupStats>;
  ms: TimingStats;
  cpuMs?: TimingStats;
  naiveMs?: TimingStats;
  naiveCpuMs?: TimingStats;
  /** Our wall time per crop by `country/rows`. */
  msByCountryRows: Record<string, TimingStats>;
  /** Share of crops our reader read more than once (0 when it never reports rereads). */
  rereadShare: number;
  errors: { file: string; error: string }[];
  misreads: { file: string; country: string; rows: number; expected: string; ours: string; naive?: string }[];
}

/** Nearest-rank percentile of an ascending array. */
export function percentileOf(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function timing(values: readonly number[]): TimingStats {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : Number.NaN;
  const round = (x: number): number => Math.round(x * 100) / 100;
  return { mean: round(mean), p50: round(percentileOf(sorted, 50)), p99: round(percentileOf(sorted, 99)) };
}

const ratio = (a: number, n: number): number => (n > 0 ? Math.round((a / n) * 10_000) / 10_000 : Number.NaN);

function group(outcomes: readonly CropOutcome[], withNaive: boolean): GroupStats {
  const exact = outcomes.filter((o) => o.ours === o.expected).length;
  const g: GroupStats = { n: outcomes.length, exact, rate: ratio(exact, outcomes.length) };
  if (withNaive) {
    g.naiveExact = outcomes.filter((o) => o.naive === o.expected).length;
    g.naiveRate = ratio(g.naiveExact, outcomes.length);
  }
  return g;
}

function groupBy(outcomes: readonly CropOutcome[], key: (o: CropOutcome) => string, withNaive: boolean): Record<string, GroupStats> {
  const buckets = new Map<string, CropOutcome[]>();
  for (const o of outcomes) buckets.set(key(o), [...(buckets.get(key(o)) ?? []), o]);
  const out: Record<string, GroupStats> = {};
  for (const k of [...buckets.keys()].sort()) out[k] = group(buckets.get(k)!, withNaive);
  return out;
}

function timingBy(outcomes: readonly CropOutcome[], key: (o: CropOutcome) => string): Record<string, TimingStats> {
  const buckets = new Map<string, number[]>();
  for (const o of outcomes) buckets.set(key(o), [...(buckets.get(key(o)) ?? []), o.ms]);
  const out: Record<string, TimingStats> = {};
  for (const k of [...buckets.keys()].sort()) out[k] = timing(buckets.get(k)!);
  return out;
}

export function summarise(outcomes: readonly CropOutcome[]): PlateEvalSummary {
  const withNaive = outcomes.some((o) => o.naive !== undefined);
  const all = group(outcomes, withNaive);
  const summary: PlateEvalSummary = {
    n: all.n,
    exact: all.exact,
    rate: all.rate,
    byCountry: groupBy(outcomes, (o) => o.country, withNaive),
    byCountryRows: groupBy(outcomes, (o) => `${o.country}/${o.rows}`, withNaive),
    ms: timing(outcomes.filter((o) => !o.error).map((o) => o.ms)),
    msByCountryRows: timingBy(outcomes.filter((o) => !o.error), (o) => `${o.country}/${o.rows}`),
    rereadShare: ratio(outcomes.filter((o) => (o.rereads ?? 0) > 0).length, outcomes.length),
    errors: outcomes.filter((o) => o.error).map((o) => ({ file: o.file, error: o.error! })),
    misreads: outcomes
      .filter((o) => o.ours !== o.expected)
      .map((o) => ({ file: o.file, country: o.country, rows: o.rows, expected: o.expected, ours: o.ours, ...(o.naive !== undefined ? { naive: o.naive } : {}) })),
  };
  const cpu = outcomes.filter((o) => !o.error && o.cpuMs !== undefined).map((o) => o.cpuMs!);
  if (cpu.length > 0) summary.cpuMs = timing(cpu);
  if (withNaive) {
    summary.naiveRate = all.naiveRate;
    summary.naiveMs = timing(outcomes.filter((o) => o.naiveMs !== undefined && !o.error).map((o) => o.naiveMs!));
    const naiveCpu = outcomes.filter((o) => o.naiveCpuMs !== undefined && !o.error).map((o) => o.naiveCpuMs!);
    if (naiveCpu.length > 0) summary.naiveCpuMs = timing(naiveCpu);
  }
  return summary;
}
