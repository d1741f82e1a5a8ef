import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { evalPlates } from '../src/vision/plate/eval/plate-eval.js';
import { NaivePlateReader } from '../src/vision/plate/naive-reader.js';
import { loadPlateModels, plateModelRegistry } from '../src/vision/plate/plate-models.js';
import { PlateReader } from '../src/vision/plate/plate-reader.js';
import { PLATE_STYLES } from '../src/vision/scenes/random-plates.js';
import { evalScenes } from '../src/vision/scenes/scene-eval.js';
import { cjkFontInstalled } from '../src/vision/scenes/scene-generator.js';
import { fixturesDir } from './vision/frames.js';
import { percentile, type BenchReport, type BenchRow } from './report.js';

/**
 * Plate pipeline: `npm run bench -- vision-plates [--crops N] [--scenes N] [--seed S]`, and the
 * plate rows of `npm run bench -- vision` (bench/vision.ts calls plateBenchSection).
 *
 * - Crops (real fixtures, shared/fixtures/plates): exact match per country and time per crop
 *   (wall and CPU, p50 and p99, by country and row count), ours and the naive baseline
 *   (PaddleOCR as shipped: half-height row split, no grammar) in the same run, with their
 *   ratio; and our first reading alone (no second looks) for the trade-off. Time per crop is
 *   from JPEG bytes to plate.
 * - Frames (SYNTHETIC 1280x720 scenes, src/vision/scenes): time for the whole plate pipeline
 *   on a decoded frame (detection, assembly, reading), beside plain PaddleOCR (detector at its
 *   default 960 px, every box read) on the same frames; detection recall and read rate.
 * One intra-op thread everywhere. Wall-clock times on a shared 2-core machine move with the
 * load average, which is recorded in meta.
 */
function arg(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const r1 = (x: number): number => Math.round(x * 10) / 10;
const pct = (x: number): number => Math.round(x * 1000) / 10;
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

export async function plateBenchSection(args: readonly string[]): Promise<{ rows: BenchRow[]; meta: Record<string, unknown> }> {
  const rows: BenchRow[] = [];
  const meta: Record<string, unknown> = {};
  const registry = plateModelRegistry();
  try {
    const models = await loadPlateModels(registry);
    const reader = new PlateReader(models);
    const naive = new NaivePlateReader(models);

    const platesDir = join(fixturesDir(), 'plates');
    if (existsSync(join(platesDir, 'labels.tsv'))) {
      const limit = args.includes('--crops') ? arg(args, '--crops', 1_000_000) : undefined;
      const report = await evalPlates(platesDir, reader, naive, limit !== undefined ? { limitPerCountry: limit } : {});
      const cn = report.byCountry.CN;
      const vn = report.byCountry.VN;
      if (cn) {
        rows.push(
          { name: `plates CN crops exact match (n=${cn.n})`, value: pct(cn.rate), unit: '%', goal: '>= 99.5 %', pass: cn.rate >= 0.995 },
          { name: '  naive baseline, same crops', value: pct(cn.naiveRate ?? Number.NaN), unit: '%' },
        );
      }
      if (vn) {
        rows.push(
          { name: `plates VN crops exact match (n=${vn.n}, 1 and 2 rows)`, value: pct(vn.rate), unit: '%', goal: '>= 98 %', pass: vn.rate >= 0.98 },
          { name: '  naive baseline, same crops', value: pct(vn.naiveRate ?? Number.NaN), unit: '%' },
        );
      }
      const ratio = (a: number | undefined, b: number | undefined): number => (a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 100) / 100 : Number.NaN);
      rows.push(
        { name: 'plate crop p50 (JPEG bytes -> plate)', value: r1(report.ms.p50), unit: 'ms', goal: '<= 20 ms', pass: report.ms.p50 <= 20 },
        { name: 'plate crop p99', value: r1(report.ms.p99), unit: 'ms' },
        { name: '  plate crop CPU time p50 (all threads)', value: r1(report.cpuMs?.p50 ?? Number.NaN), unit: 'ms' },
        { name: '  plate crop CPU time p99', value: r1(report.cpuMs?.p99 ?? Number.NaN), unit: 'ms' },
        ...Object.entries(report.msByCountryRows).flatMap(([k, t]) => [
          { name: `  ${k.replace('/', ' ')}-row crops p50`, value: r1(t.p50), unit: 'ms' },
          { name: `  ${k.replace('/', ' ')}-row crops p99`, value: r1(t.p99), unit: 'ms' },
        ]),
        { name: '  crops read again (ambiguous first reading)', value: pct(report.rereadShare), unit: '%' },
        { name: '  naive baseline crop p50', value: r1(report.naiveMs?.p50 ?? Number.NaN), unit: 'ms' },
        { name: '  naive baseline crop CPU time p50', value: r1(report.naiveCpuMs?.p50 ?? Number.NaN), unit: 'ms' },
        { name: '  ours / naive, crop p50 (same run)', value: ratio(report.ms.p50, report.naiveMs?.p50), unit: 'x' },
        { name: '  ours / naive, crop CPU time p50', value: ratio(report.cpuMs?.p50, report.naiveCpuMs?.p50), unit: 'x' },
      );
      // What the second looks buy: the first (unpadded) reading alone, same crops.
      const fast = await evalPlates(platesDir, new PlateReader(models, { cropFirstReadOnly: true }), undefined, { naive: false, ...(limit !== undefined ? { limitPerCountry: limit } : {}) });
      rows.push(
        { name: '  first reading only: CN exact match', value: pct(fast.byCountry.CN?.rate ?? Number.NaN), unit: '%' },
        { name: '  first reading only: VN exact match', value: pct(fast.byCountry.VN?.rate ?? Number.NaN), unit: '%' },
        { name: '  first reading only: crop p50', value: r1(fast.ms.p50), unit: 'ms' },
        { name: '  first reading only: crop CPU time p50', value: r1(fast.cpuMs?.p50 ?? Number.NaN), unit: 'ms' },
      );
      meta.plateCrops = { dir: platesDir, byCountryRows: report.byCountryRows, msByCountryRows: report.msByCountryRows, rereadShare: report.rereadShare, misreads: report.misreads, errors: report.errors };
    } else {
      meta.plateCrops = `fixtures absent at ${platesDir}: crop rows not measured`;
    }

    const count = arg(args, '--scenes', 60);
    const seed = arg(args, '--seed', 1);
    // Timing runs on decoded frames, as the face figure does; JPEG decode is reported apart.
    const peer: number[] = [];
    let peerReads = 0;
    const cjk = cjkFontInstalled();
    const scenes = await evalScenes(reader, {
      count,
      seed,
      ...(cjk ? {} : { styles: PLATE_STYLES.filter((s) => s.startsWith('vn-')) }),
      onScene: async (scene, frame) => {
        const t = performance.now();
        const texts = await naive.readFrame(frame);
        peer.push(performance.now() - t);
        if (texts.includes(scene.plate.compact)) peerReads++;
      },
    });
    const oursSorted = sorted(scenes.frameMs);
    const p50 = percentile(oursSorted, 50);
    rows.push(
      { name: 'plate pipeline 1280x720 frame p50 (synthetic scenes)', value: r1(p50), unit: 'ms', goal: '<= 150 ms p50', pass: p50 <= 150 },
      { name: 'plate pipeline 1280x720 frame p95', value: r1(percentile(oursSorted, 95)), unit: 'ms' },
      { name: '  frame CPU time p50 (all threads)', value: r1(percentile(sorted(scenes.frameCpuMs), 50)), unit: 'ms' },
      { name: '  of which text detection p50', value: r1(percentile(sorted(scenes.detectMs), 50)), unit: 'ms' },
      { name: '  plain PaddleOCR frame p50 (det 960, read every box)', value: r1(percentile(sorted(peer), 50)), unit: 'ms' },
      { name: 'JPEG decode 1280x720 p50 (not in the frame figure)', value: r1(percentile(sorted(scenes.decodeMs), 50)), unit: 'ms' },
      { name: `plate detection recall, SYNTHETIC scenes (n=${scenes.scenes}, IoU>=0.5)`, value: pct(scenes.detectionRecall), unit: '%' },
      { name: 'plate read rate, SYNTHETIC scenes (exact)', value: pct(scenes.readRate), unit: '%' },
      { name: '  plain PaddleOCR read rate, same scenes', value: pct(peerReads / Math.max(count, 1)), unit: '%' },
      { name: 'false plates reported, SYNTHETIC scenes', value: scenes.falseReads, unit: 'plates' },
    );
    meta.plateScenes = { synthetic: true, seed, byStyle: scenes.byStyle, night: scenes.night, chineseScenes: cjk ? 'drawn' : 'skipped: no CJK font (apt-get install fonts-noto-cjk)' };
  } finally {
    await registry.close();
  }
  return { rows, meta };
}

/** The plate rows only (bench/vision.ts adds them to the vision suite). */
export async function plateBenchRows(args: readonly string[]): Promise<BenchRow[]> {
  return (await plateBenchSection(args)).rows;
}

export async function run(args: string[]): Promise<BenchReport> {
  const loadAverageBefore = os.loadavg();
  const { rows, meta } = await plateBenchSection(args);
  return { suite: 'vision-plates', rows, meta: { ...meta, loadAverageBefore, loadAverageAfter: os.loadavg(), threads: 1 } };
}
