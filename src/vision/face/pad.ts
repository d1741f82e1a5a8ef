import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { scaleTranslate } from '../image/affine.js';
import type { RgbImage } from '../image/rgb-image.js';
import { toTensor, warpRgb } from '../image/warp.js';
import type { ModelSpec } from '../models/registry.js';
import { DEFAULT_MOTION, motionEvidence, type MotionEvidence, type MotionOptions } from './motion.js';
import type { FaceDetection, FaceLandmarks } from './types.js';

/**
 * Presentation-attack detection, reported as a weak signal. The antispoof and liveness models
 * are small classifiers trained on other people's data; nothing in our fixtures is an attack, so
 * their error rates here are unmeasured. They are combined with multi-frame motion evidence and
 * the report carries every measure and reason, so the decision layer can weigh them and an
 * operator can see why a passage was flagged. Never a sole reason to refuse.
 */
export interface PadFrameScores {
  /** antispoof "real" score 0..1 (higher = more likely live), null when the model is off. */
  antispoof: number | null;
  /** liveness "live" score 0..1, null when the model is off. */
  liveness: number | null;
}

export type PadReason = 'antispoof_low' | 'liveness_low' | 'static_face' | 'rigid_motion' | 'too_few_frames';

export interface PadReport {
  /** 0..1, higher = more evidence of a live face; null with no evidence at all. */
  score: number | null;
  level: 'ok' | 'suspect' | 'unknown';
  reasons: PadReason[];
  measures: { antispoof: number | null; liveness: number | null; motion: MotionEvidence };
}

export interface PadOptions {
  /** Model scores below this count against liveness. */
  modelThreshold: number;
  /** Combined score below this makes the report 'suspect'. */
  suspectBelow: number;
  motion: MotionOptions;
}

export const DEFAULT_PAD: PadOptions = { modelThreshold: 0.5, suspectBelow: 0.5, motion: DEFAULT_MOTION };

interface PadModel {
  session: InferenceSession;
  spec: ModelSpec;
  output: string;
}

export class PadScorer {
  private readonly antispoof: PadModel | null;
  private readonly liveness: PadModel | null;

  constructor(antispoof: { session: InferenceSession; spec: ModelSpec } | null, liveness: { session: InferenceSession; spec: ModelSpec } | null) {
    this.antispoof = antispoof ? { ...antispoof, output: antispoof.spec.outputs[0]!.name } : null;
    this.liveness = liveness ? { ...liveness, output: liveness.spec.outputs[0]!.name } : null;
  }

  async score(img: RgbImage, det: FaceDetection): Promise<PadFrameScores> {
    return { antispoof: await this.run(this.antispoof, img, det), liveness: await this.run(this.liveness, img, det) };
  }

  /** Square crop around the face box (10% margin), as the models were trained on box crops. */
  private async run(model: PadModel | null, img: RgbImage, det: FaceDetection): Promise<number | null> {
    if (!model) return null;
    const input = model.spec.inputs[0]!;
    const size = input.size?.[0] ?? 0;
    const side = Math.max(det.box.width, det.box.height) * 1.1;
    const x0 = det.box.x + det.box.width / 2 - side / 2;
    const y0 = det.box.y + det.box.height / 2 - side / 2;
    const rgb = warpRgb(img, scaleTranslate(side / size, side / size, x0, y0), size, size);
    const t = new Tensor('float32', toTensor(rgb, size, size, input), [1, 3, size, size]);
    const out = await model.session.run({ [model.session.inputNames[0]!]: t });
    return (out[model.output]!.data as Float32Array)[0]!;
  }
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Combines per-frame model scores (medians, robust to one bad frame) with the motion track. */
export function combinePad(frames: readonly PadFrameScores[], track: readonly FaceLandmarks[], opts: PadOptions = DEFAULT_PAD): PadReport {
  const antispoof = median(frames.map((f) => f.antispoof).filter((v): v is number => v !== null));
  const liveness = median(frames.map((f) => f.liveness).filter((v): v is number => v !== null));
  const motion = motionEvidence(track, opts.motion);
  const reasons: PadReason[] = [];
  const parts: number[] = [];
  if (antispoof !== null) {
    parts.push(antispoof);
    if (antispoof < opts.modelThreshold) reasons.push('antispoof_low');
  }
  if (liveness !== null) {
    parts.push(liveness);
    if (liveness < opts.modelThreshold) reasons.push('liveness_low');
  }
  if (track.length < opts.motion.minFrames) reasons.push('too_few_frames');
  else {
    // Motion part: 0 for a static face, 0.5 for rigid in-plane motion only, 1 with clear deformation.
    const deformed = Math.min(1, motion.deformation / (3 * opts.motion.staticDeformation));
    if (motion.static) reasons.push('static_face');
    else if (deformed < 1 / 3) reasons.push('rigid_motion');
    parts.push(motion.static ? 0 : 0.5 + 0.5 * deformed);
  }
  if (parts.length === 0) return { score: null, level: 'unknown', reasons, measures: { antispoof, liveness, motion } };
  const score = parts.reduce((a, b) => a + b, 0) / parts.length;
  const level = score < opts.suspectBelow || reasons.includes('static_face') ? 'suspect' : 'ok';
  return { score, level, reasons, measures: { antispoof, liveness, motion } };
}
