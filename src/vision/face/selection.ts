import type { RgbImage } from '../image/rgb-image.js';
import { eyeDistance, type FaceDetection } from './types.js';

/**
 * Which detected face is "the" traveller: in a lane the subject is the closest (largest) and
 * most centred face. Every other face big enough to be a person near the gate is reported as a
 * possible tailgater, never silently dropped.
 */
export interface FaceSelection {
  primary: FaceDetection | null;
  /** Other faces at least `otherMinRelativeSize` of the primary's eye distance. */
  others: FaceDetection[];
}

export interface SelectionOptions {
  /** Minimum detector score to consider a face at all. */
  minScore: number;
  /** Other faces smaller than this fraction of the primary (by eye distance) are background. */
  otherMinRelativeSize: number;
}

export const DEFAULT_SELECTION: SelectionOptions = { minScore: 0.6, otherMinRelativeSize: 0.35 };

/** Size times centrality times confidence; centrality falls to 0.5 at the frame corner. */
export function selectionScore(img: RgbImage, d: FaceDetection): number {
  const cx = d.box.x + d.box.width / 2;
  const cy = d.box.y + d.box.height / 2;
  const dx = (cx - img.width / 2) / (img.width / 2);
  const dy = (cy - img.height / 2) / (img.height / 2);
  const centrality = 1 - 0.5 * Math.min(1, Math.hypot(dx, dy) / Math.SQRT2);
  return eyeDistance(d.landmarks) * centrality * d.score;
}

export function selectFace(img: RgbImage, detections: readonly FaceDetection[], opts: SelectionOptions = DEFAULT_SELECTION): FaceSelection {
  const ranked = detections
    .filter((d) => d.score >= opts.minScore)
    .map((d) => ({ d, s: selectionScore(img, d) }))
    .sort((a, b) => b.s - a.s);
  const primary = ranked[0]?.d ?? null;
  if (!primary) return { primary: null, others: [] };
  const minEye = eyeDistance(primary.landmarks) * opts.otherMinRelativeSize;
  const others = ranked.slice(1).map((r) => r.d).filter((d) => eyeDistance(d.landmarks) >= minEye);
  return { primary, others };
}
