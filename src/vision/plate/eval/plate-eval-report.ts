import type { GroupStats } from './plate-eval-summary.js';
import type { PlateEvalReport } from './plate-eval.js';

/**
 * What `lanectl eval plates` prints: a table by country and row count (ours and the naive
 * baseline side by side), the misreads, and one JSON object. Plate text appears here because
 * this is an offline tool run on test material, never on lane traffic.
 */
export interface PlateEvalJson {
  ok: boolean;
  dir: string;
  n: number;
  /** Exact-match rate per country (ours). */
  exactMatch: Record<string, number>;
  /** Same for the naive baseline measured in the same run. */
  naiveExactMatch?: Record<string, number>;
  byCountryRows: Record<string, GroupStats>;
  msPerPlate: { mean: number; p50: number; p99: number };
  naiveMsPerPlate?: { mean: number; p50: number; p99: number };
  /** CPU time per plate (all threads of the process): steadier than wall time on a busy machine. */
  cpuMsPerPlate?: { mean: number; p50: number; p99: number };
  naiveCpuMsPerPlate?: { mean: number; p50: number; p99: number };
  /** Wall time per plate by `country/rows`. */
  msByCountryRows: Record<string, { mean: number; p50: number; p99: number }>;
  /** Share of crops read more than once (ambiguous first reading). */
  rereadShare: number;
  misreads: number;
  errors: { file: string; error: string }[];
}

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`);

export function tableRows(report: PlateEvalReport): string[][] {
  const rows: string[][] = [];
  const add = (label: string, g: GroupStats): void => {
    rows.push([label, String(g.n), String(g.exact), pct(g.rate), g.naiveExact === undefined ? '-' : String(g.naiveExact), pct(g.naiveRate)]);
  };
  for (const [key, g] of Object.entries(report.byCountryRows)) add(key.replace('/', ' ') + '-row', g);
  for (const [key, g] of Object.entries(report.byCountry)) add(`${key} all`, g);
  return rows;
}

export const TABLE_COLUMNS = ['GROUP', 'N', 'EXACT', 'RATE', 'NAIVE', 'NAIVE RATE'] as const;

export function reportJson(report: PlateEvalReport): PlateEvalJson {
  const rate = (pick: (g: GroupStats) => number | undefined): Record<string, number> =>
    Object.fromEntries(Object.entries(report.byCountry).map(([k, g]) => [k, pick(g) ?? Number.NaN]));
  const json: PlateEvalJson = {
    ok: report.errors.length === 0 && report.n > 0,
    dir: report.dir,
    n: report.n,
    exactMatch: rate((g) => g.rate),
    byCountryRows: report.byCountryRows,
    msPerPlate: report.ms,
    ...(report.cpuMs ? { cpuMsPerPlate: report.cpuMs } : {}),
    msByCountryRows: report.msByCountryRows,
    rereadShare: report.rereadShare,
    misreads: report.misreads.length,
    errors: report.errors,
  };
  if (report.naiveRate !== undefined) {
    json.naiveExactMatch = rate((g) => g.naiveRate);
    if (report.naiveMs) json.naiveMsPerPlate = report.naiveMs;
    if (report.naiveCpuMs) json.naiveCpuMsPerPlate = report.naiveCpuMs;
  }
  return json;
}

export function summaryLine(report: PlateEvalReport): string {
  const ours = Object.entries(report.byCountry)
    .map(([k, g]) => `${k} ${pct(g.rate)}${g.naiveRate !== undefined ? ` (naive ${pct(g.naiveRate)})` : ''}`)
    .join(', ');
  return `${report.n} crops: exact match ${ours}; ${report.ms.p50} ms p50, ${report.ms.mean} ms mean, ${report.ms.p99} ms p99 per plate`;
}
