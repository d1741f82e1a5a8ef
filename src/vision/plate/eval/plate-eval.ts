import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../../image/decode.js';
import { ImageError } from '../../image/rgb-image.js';
import type { NaivePlateReader } from '../naive-reader.js';
import type { PlateReader } from '../plate-reader.js';
import { summarise, type CropOutcome, type PlateEvalSummary } from './plate-eval-summary.js';
import { readPlateLabels, type PlateLabel } from './plate-labels.js';

/**
 * `lanectl eval plates DIR`: reads every crop listed in DIR/labels.tsv with our reader and,
 * in the same run, with the naive baseline, and compares both with `plate_compact`.
 * Time per plate is wall time from encoded bytes to the plate (decode, rows, recognition,
 * grammar decoding); file reading is outside it.
 */
export interface PlateEvalOptions {
  /** Also run the naive baseline (default true). */
  naive?: boolean;
  /** Evaluate only the first N labels per country (quick checks). */
  limitPerCountry?: number;
}

export interface PlateEvalReport extends PlateEvalSummary {
  dir: string;
}

function pickLabels(labels: PlateLabel[], limit: number | undefined): PlateLabel[] {
  if (limit === undefined) return labels;
  const seen = new Map<string, number>();
  return labels.filter((l) => {
    const n = seen.get(l.country) ?? 0;
    seen.set(l.country, n + 1);
    return n < limit;
  });
}

async function evalOne(label: PlateLabel, dir: string, reader: PlateReader, naive: NaivePlateReader | undefined): Promise<CropOutcome> {
  const base = { file: label.file, country: label.country, rows: label.rows, expected: label.compact };
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, label.file));
  } catch (err) {
    return { ...base, ours: '', ms: 0, error: `file_unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const read = await reader.readCrop(bytes);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const outcome: CropOutcome = { ...base, ours: read?.compact ?? '', ms, cpuMs: (used.user + used.system) / 1000, rereads: read?.rereads ?? 0 };
    if (naive) {
      const naiveCpu = process.cpuUsage();
      const naiveStarted = performance.now();
      outcome.naive = await naive.read(await decodeImage(bytes), label.rows);
      outcome.naiveMs = performance.now() - naiveStarted;
      const naiveUsed = process.cpuUsage(naiveCpu);
      outcome.naiveCpuMs = (naiveUsed.user + naiveUsed.system) / 1000;
    }
    return outcome;
  } catch (err) {
    if (err instanceof ImageError) return { ...base, ours: '', ms: 0, error: err.code };
    throw err;
  }
}

export async function evalPlates(dir: string, reader: PlateReader, naive: NaivePlateReader | undefined, options: PlateEvalOptions = {}): Promise<PlateEvalReport> {
  const labels = pickLabels(await readPlateLabels(dir), options.limitPerCountry);
  const outcomes: CropOutcome[] = [];
  for (const label of labels) outcomes.push(await evalOne(label, dir, reader, options.naive === false ? undefined : naive));
  return { dir, ...summarise(outcomes) };
}
