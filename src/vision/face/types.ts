import type { Point } from '../image/affine.js';

/**
 * Landmarks in IMAGE coordinates. "right"/"left" are the subject's: on a frontal face the
 * subject's right eye appears on the image's left. BlazeFace gives the mouth centre, YuNet the
 * two mouth corners.
 */
export interface FaceLandmarks {
  rightEye: Point;
  leftEye: Point;
  nose: Point;
  mouth?: Point;
  rightMouth?: Point;
  leftMouth?: Point;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceDetection {
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  landmarks: FaceLandmarks;
  detector: string;
}

export interface FaceDetector {
  readonly name: string;
  detect(img: import('../image/rgb-image.js').RgbImage): Promise<FaceDetection[]>;
}

export function boxIou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function eyeDistance(l: FaceLandmarks): number {
  return Math.hypot(l.leftEye.x - l.rightEye.x, l.leftEye.y - l.rightEye.y);
}
