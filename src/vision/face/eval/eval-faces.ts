import { join } from 'node:path';
import { readImageFile } from '../../image/decode.js';
import { ImageError } from '../../image/rgb-image.js';
import { cosine } from '../embedder.js';
import type { FacePipeline } from '../face-pipeline.js';
import { readFaceLabels } from './face-labels.js';
import { ratesAt, verificationMetrics, type VerificationMetrics } from './metrics.js';

/**
 * Face verification evaluation over a labelled folder: every image of kind 'single' is enrolled
 * with the lane's own pipeline (detect, select, gates, align, embed); every pair of enrolled
 * images is scored by cosine, same identity = genuine, different = impostor. Enrolment failures
 * are listed, never silently dropped. Group and crowd photos are only counted for detection.
 */
export interface PairScore {
  a: string;
  b: string;
  score: number;
}

export interface FaceEvalReport extends VerificationMetrics {
  dir: string;
  config: { detector: string; embedder: string; align: { zoom: number; points: string }; threshold: number };
  singles: number;
  identities: number;
  enrolled: number;
  enrolmentFailures: Array<{ file: string; reason: string }>;
  atOperatingThreshold: { threshold: number; tar: number; far: number; falseAccepts: number; falseRejects: number };
  lowestGenuine: PairScore[];
  highestImpostor: PairScore[];
  detectionOnly: Array<{ file: string; kind: string; faces: number; identities: number }>;
  msPerImage: number;
}

export async function evalFaces(dir: string, pipeline: FacePipeline): Promise<FaceEvalReport> {
  const labels = await readFaceLabels(dir);
  const singles = labels.filter((l) => l.kind === 'single' && l.identities.length === 1);
  const enrolled: Array<{ file: string; identity: string; template: Float32Array }> = [];
  const failures: Array<{ file: string; reason: string }> = [];
  let ms = 0;
  for (const s of singles) {
    const t0 = performance.now();
    try {
      const img = await readImageFile(join(dir, s.file));
      const r = await pipeline.enrol(img);
      if (r.ok) enrolled.push({ file: s.file, identity: s.identities[0]!, template: r.template });
      else failures.push({ file: s.file, reason: r.reason });
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      failures.push({ file: s.file, reason: err.code });
    }
    ms += performance.now() - t0;
  }
  const genuine: PairScore[] = [];
  const impostor: PairScore[] = [];
  for (let i = 0; i < enrolled.length; i++) {
    for (let j = i + 1; j < enrolled.length; j++) {
      const a = enrolled[i]!;
      const b = enrolled[j]!;
      const pair = { a: a.file, b: b.file, score: cosine(a.template, b.template) };
      (a.identity === b.identity ? genuine : impostor).push(pair);
    }
  }
  const g = genuine.map((p) => p.score);
  const im = impostor.map((p) => p.score);
  const metrics = verificationMetrics(g, im, [1e-1, 1e-2]);
  const detectionOnly: FaceEvalReport['detectionOnly'] = [];
  for (const l of labels.filter((x) => x.kind === 'group' || x.kind === 'detection_only')) {
    try {
      const faces = await pipeline.detect(await readImageFile(join(dir, l.file)));
      detectionOnly.push({ file: l.file, kind: l.kind, faces: faces.filter((f) => f.score >= pipeline.config.selection.minScore).length, identities: l.identities.length });
    } catch (err) {
      if (!(err instanceof ImageError)) throw err;
      detectionOnly.push({ file: l.file, kind: l.kind, faces: -1, identities: l.identities.length });
    }
  }
  const c = pipeline.config;
  return {
    dir,
    config: { detector: c.detectorModel, embedder: c.embedder, align: c.align, threshold: c.threshold },
    singles: singles.length,
    identities: new Set(singles.map((s) => s.identities[0])).size,
    enrolled: enrolled.length,
    enrolmentFailures: failures,
    ...metrics,
    atOperatingThreshold: { threshold: c.threshold, ...ratesAt(g, im, c.threshold) },
    lowestGenuine: [...genuine].sort((x, y) => x.score - y.score).slice(0, 3),
    highestImpostor: [...impostor].sort((x, y) => y.score - x.score).slice(0, 3),
    detectionOnly,
    msPerImage: singles.length ? ms / singles.length : 0,
  };
}
