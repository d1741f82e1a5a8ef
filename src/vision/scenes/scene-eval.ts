import type { PlateReader } from '../plate/plate-reader.js';
import { boundsIoU } from '../plate/quad.js';
import { decodeImage } from '../image/decode.js';
import type { RgbImage } from '../image/rgb-image.js';
import { generateScene, type SceneOptions, type SyntheticScene } from './scene-generator.js';

/**
 * Plate detection recall on SYNTHETIC scenes (scene-generator.ts): a scene counts as detected
 * when one plate candidate's box overlaps the plate (its outline or its printed text area: the
 * detector's boxes lie between the two) with IoU >= 0.5, and as read when a
 * reported plate equals the drawn one. False reads are reported plates that are not the drawn
 * plate. Always quote these figures as synthetic: they measure the pipeline on drawn plates,
 * not on camera footage.
 */
export interface SceneEvalOptions extends SceneOptions {
  count: number;
  /** First scene seed; scene i uses seed + i. */
  seed?: number;
  /** Candidate/plate overlap needed to count as detected. */
  minIoU?: number;
  /** Called with each scene and its decoded frame (a peer can run on the same frames). */
  onScene?: (scene: SyntheticScene, frame: RgbImage) => Promise<void> | void;
}

export interface SceneGroup {
  n: number;
  detected: number;
  read: number;
}

export interface SceneEvalReport {
  synthetic: true;
  scenes: number;
  detectionRecall: number;
  readRate: number;
  falseReads: number;
  byStyle: Record<string, SceneGroup>;
  night: SceneGroup;
  /** Per frame, from the decoded frame: whole pipeline, and its detection part. */
  frameMs: number[];
  detectMs: number[];
  /** JPEG decode per frame (outside frameMs). */
  decodeMs: number[];
  /** CPU time of the process per frame (all threads). */
  frameCpuMs: number[];
}

export async function evalScenes(reader: PlateReader, options: SceneEvalOptions): Promise<SceneEvalReport> {
  const seed = options.seed ?? 1;
  const minIoU = options.minIoU ?? 0.5;
  const byStyle: Record<string, SceneGroup> = {};
  const night: SceneGroup = { n: 0, detected: 0, read: 0 };
  const frameMs: number[] = [];
  const detectMs: number[] = [];
  const decodeMs: number[] = [];
  const frameCpuMs: number[] = [];
  let detected = 0;
  let read = 0;
  let falseReads = 0;
  for (let i = 0; i < options.count; i++) {
    const scene = await generateScene(seed + i, options);
    const t = performance.now();
    const frame = await decodeImage(scene.jpeg);
    decodeMs.push(performance.now() - t);
    const cpu = process.cpuUsage();
    const result = await reader.readFrame(frame);
    const used = process.cpuUsage(cpu);
    frameMs.push(result.totalMs);
    frameCpuMs.push((used.user + used.system) / 1000);
    await options.onScene?.(scene, frame);
    detectMs.push(result.detectMs);
    const hit = result.candidates.some((q) => Math.max(boundsIoU(q, scene.textQuad), boundsIoU(q, scene.plateQuad)) >= minIoU);
    const good = result.plates.some((p) => p.compact === scene.plate.compact);
    falseReads += result.plates.filter((p) => p.compact !== scene.plate.compact).length;
    const g = (byStyle[scene.plate.style] ??= { n: 0, detected: 0, read: 0 });
    for (const group of scene.conditions.night ? [g, night] : [g]) {
      group.n++;
      if (hit) group.detected++;
      if (good) group.read++;
    }
    if (hit) detected++;
    if (good) read++;
  }
  const n = options.count;
  return { synthetic: true, scenes: n, detectionRecall: n ? detected / n : Number.NaN, readRate: n ? read / n : Number.NaN, falseReads, byStyle, night, frameMs, detectMs, decodeMs, frameCpuMs };
}
