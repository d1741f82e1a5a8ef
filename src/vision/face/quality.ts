import type { RgbImage } from '../image/rgb-image.js';
import { warpRgb } from '../image/warp.js';
import { alignmentTransform } from './align.js';
import { eyeDistance, type FaceDetection } from './types.js';

/**
 * Quality gates for one detected face. Geometry comes from the landmarks; sharpness and
 * exposure are measured on a tight 112x112 aligned crop (the face itself, little background),
 * so they do not depend on the frame size or on what is behind the traveller.
 */
export interface QualityThresholds {
  /** Smallest face box side in image pixels. */
  minFacePx: number;
  /** Smallest distance between the eye centres in image pixels. */
  minEyeDistancePx: number;
  /** |yaw| limit as nose offset along the eye line / eye distance (0 frontal, ~0.5 at 45 deg). */
  maxYaw: number;
  /** Head tilt limit (eye line angle) in degrees. */
  maxRollDeg: number;
  /** Nose drop below the eye line / eye distance must lie in this range (looking up/down). */
  pitchRange: readonly [number, number];
  /** Smallest mean |Laplacian| of the crop's luma (edges per pixel: blur lowers it). */
  minSharpness: number;
  /** Mean luma of the crop must lie in this range (0..255). */
  brightnessRange: readonly [number, number];
  /** Largest fraction of crop pixels at <= 5 or >= 250 luma (burnt out or black). */
  maxClippedFraction: number;
}

export const DEFAULT_QUALITY: QualityThresholds = {
  minFacePx: 48,
  minEyeDistancePx: 20,
  maxYaw: 0.4,
  maxRollDeg: 35,
  pitchRange: [0.1, 1.2],
  minSharpness: 4.0,
  brightnessRange: [40, 225],
  maxClippedFraction: 0.25,
};

export type QualityReason = 'face_too_small' | 'eyes_too_close' | 'pose_yaw' | 'pose_roll' | 'pose_pitch' | 'blurred' | 'too_dark' | 'too_bright' | 'clipped';

export interface QualityMeasures {
  facePx: number;
  eyeDistancePx: number;
  yaw: number;
  rollDeg: number;
  pitch: number;
  sharpness: number;
  brightness: number;
  clippedFraction: number;
}

export interface QualityReport {
  pass: boolean;
  /** 0..1 ranking of usable faces across frames (higher is better); 0 when a gate fails. */
  score: number;
  measures: QualityMeasures;
  failures: QualityReason[];
}

const CROP = 112;

export function poseMeasures(det: FaceDetection): { yaw: number; rollDeg: number; pitch: number } {
  const { rightEye: r, leftEye: l, nose } = det.landmarks;
  const ed = eyeDistance(det.landmarks) || 1;
  const ux = (l.x - r.x) / ed;
  const uy = (l.y - r.y) / ed;
  const mx = (l.x + r.x) / 2;
  const my = (l.y + r.y) / 2;
  const along = ((nose.x - mx) * ux + (nose.y - my) * uy) / ed;
  const across = (-(nose.x - mx) * uy + (nose.y - my) * ux) / ed;
  return { yaw: along, rollDeg: (Math.atan2(uy, ux) * 180) / Math.PI, pitch: across };
}

/** Luma statistics of a tight aligned crop: mean |Laplacian| (centre region), brightness, clipping. */
export function cropMeasures(img: RgbImage, det: FaceDetection): { sharpness: number; brightness: number; clippedFraction: number } {
  const m = alignmentTransform(det.landmarks, { size: CROP, zoom: 1, points: 'eyes' });
  const rgb = warpRgb(img, m, CROP, CROP);
  const y = new Float32Array(CROP * CROP);
  let sum = 0;
  let clipped = 0;
  for (let p = 0; p < y.length; p++) {
    const v = 0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!;
    y[p] = v;
    sum += v;
    if (v <= 5 || v >= 250) clipped++;
  }
  // Laplacian over the inner face (eyes to mouth), away from hair and background edges.
  let lap = 0;
  let n = 0;
  for (let row = 30; row < 100; row++) {
    for (let col = 28; col < 84; col++) {
      const p = row * CROP + col;
      lap += Math.abs(4 * y[p]! - y[p - 1]! - y[p + 1]! - y[p - CROP]! - y[p + CROP]!);
      n++;
    }
  }
  return { sharpness: lap / n, brightness: sum / y.length, clippedFraction: clipped / y.length };
}

export function assessQuality(img: RgbImage, det: FaceDetection, t: QualityThresholds = DEFAULT_QUALITY): QualityReport {
  const pose = poseMeasures(det);
  const crop = cropMeasures(img, det);
  const measures: QualityMeasures = {
    facePx: Math.min(det.box.width, det.box.height),
    eyeDistancePx: eyeDistance(det.landmarks),
    ...pose,
    ...crop,
  };
  const failures: QualityReason[] = [];
  if (measures.facePx < t.minFacePx) failures.push('face_too_small');
  if (measures.eyeDistancePx < t.minEyeDistancePx) failures.push('eyes_too_close');
  if (Math.abs(measures.yaw) > t.maxYaw) failures.push('pose_yaw');
  if (Math.abs(measures.rollDeg) > t.maxRollDeg) failures.push('pose_roll');
  if (measures.pitch < t.pitchRange[0] || measures.pitch > t.pitchRange[1]) failures.push('pose_pitch');
  if (measures.sharpness < t.minSharpness) failures.push('blurred');
  if (measures.brightness < t.brightnessRange[0]) failures.push('too_dark');
  if (measures.brightness > t.brightnessRange[1]) failures.push('too_bright');
  if (measures.clippedFraction > t.maxClippedFraction) failures.push('clipped');
  const pass = failures.length === 0;
  return { pass, score: pass ? rankScore(det, measures, t) : 0, measures, failures };
}

/**
 * Ranks passing faces: detector confidence, resolution (saturating at 3x the minimum eye
 * distance), frontality and sharpness (saturating at 3x the minimum). Weights are even on purpose:
 * there is no data here to fit them to.
 */
function rankScore(det: FaceDetection, m: QualityMeasures, t: QualityThresholds): number {
  const res = Math.min(1, m.eyeDistancePx / (3 * t.minEyeDistancePx));
  const frontal = Math.max(0, 1 - Math.abs(m.yaw) / t.maxYaw) * Math.max(0, 1 - Math.abs(m.rollDeg) / t.maxRollDeg);
  const sharp = Math.min(1, m.sharpness / (3 * t.minSharpness));
  return (det.score + res + frontal + sharp) / 4;
}
