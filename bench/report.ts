/**
 * What every benchmark suite returns. scripts/bench.mjs prints it as a table and writes it
 * to bench-results/<suite>.json. A row's `goal` is the target as text (e.g. "<= 1 ms p99");
 * `pass` is set only when the suite actually compared the value with that goal.
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  goal?: string;
  pass?: boolean;
}

export interface BenchReport {
  suite: string;
  rows: BenchRow[];
  meta: Record<string, unknown>;
}

/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
