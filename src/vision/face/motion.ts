import { applyAffine, estimateSimilarity, type Point } from '../image/affine.js';
import { eyeDistance, type FaceLandmarks } from './types.js';

/**
 * Multi-frame evidence that the face is a live, moving head rather than a still picture.
 * Two measures, both in units of the eye distance so they do not depend on the camera:
 * - `travel`: how far the face centre moves between frames (a held photo moves too, so this
 *   alone proves little, but a face that does not move at all over many frames is suspicious:
 *   a print on a stand or a frozen replay);
 * - `deformation`: what is left after removing the best similarity between frames (rotation,
 *   scale, shift). A flat photo moved in its own plane leaves almost nothing; a real head turning
 *   or changing expression does. Landmark noise sets the floor, so this is a weak signal.
 */
export interface MotionEvidence {
  frames: number;
  /** Median frame-to-frame travel of the eye midpoint / eye distance. */
  travel: number;
  /** Median non-similarity residual (RMS) between consecutive frames / eye distance. */
  deformation: number;
  /** True when there are enough frames and both measures are below the static floor. */
  static: boolean;
}

export interface MotionOptions {
  /** Frames needed before `static` may be declared. */
  minFrames: number;
  /** Below this travel (eye distances per frame) the face counts as not moving. */
  staticTravel: number;
  /** Below this deformation the face counts as rigid. */
  staticDeformation: number;
}

export const DEFAULT_MOTION: MotionOptions = { minFrames: 5, staticTravel: 0.004, staticDeformation: 0.002 };

function points(l: FaceLandmarks): Point[] {
  const p = [l.rightEye, l.leftEye, l.nose];
  if (l.mouth) p.push(l.mouth);
  if (l.rightMouth && l.leftMouth) p.push(l.rightMouth, l.leftMouth);
  return p;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function motionEvidence(track: readonly FaceLandmarks[], opts: MotionOptions = DEFAULT_MOTION): MotionEvidence {
  const travel: number[] = [];
  const deform: number[] = [];
  for (let k = 1; k < track.length; k++) {
    const a = track[k - 1]!;
    const b = track[k]!;
    const ed = (eyeDistance(a) + eyeDistance(b)) / 2 || 1;
    const ma = { x: (a.leftEye.x + a.rightEye.x) / 2, y: (a.leftEye.y + a.rightEye.y) / 2 };
    const mb = { x: (b.leftEye.x + b.rightEye.x) / 2, y: (b.leftEye.y + b.rightEye.y) / 2 };
    travel.push(Math.hypot(mb.x - ma.x, mb.y - ma.y) / ed);
    const pa = points(a);
    const pb = points(b);
    if (pa.length !== pb.length) continue;
    const m = estimateSimilarity(pa, pb);
    let ss = 0;
    for (let i = 0; i < pa.length; i++) {
      const q = applyAffine(m, pa[i]!);
      ss += (q.x - pb[i]!.x) ** 2 + (q.y - pb[i]!.y) ** 2;
    }
    deform.push(Math.sqrt(ss / pa.length) / ed);
  }
  const t = median(travel);
  const d = median(deform);
  return { frames: track.length, travel: t, deformation: d, static: track.length >= opts.minFrames && t < opts.staticTravel && d < opts.staticDeformation };
}
