import { type Affine, estimateSimilarity, invertAffine, type Point } from '../image/affine.js';
import type { FaceLandmarks } from './types.js';

/**
 * The standard five-point template of 112x112 aligned faces used by ArcFace-family embedders
 * (image-left eye, image-right eye, nose tip, image-left and image-right mouth corners).
 */
export const TEMPLATE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** Midpoint of the template's mouth corners, for detectors that give only the mouth centre. */
const TEMPLATE_MOUTH_CENTRE: Point = { x: (41.5493 + 70.7299) / 2, y: (92.3655 + 92.2041) / 2 };

export type AlignPoints = 'five' | 'eyes';

export interface AlignOptions {
  /** Output side in pixels (the embedder's input size). */
  size: number;
  /**
   * Template zoom: 1 = the tight 112 template scaled to `size`; below 1 shows more context
   * around the face (models trained on loose crops, such as faceres, want that).
   */
  zoom: number;
  /** Fit all available landmarks (five, or four with a mouth centre) or the eyes only. */
  points: AlignPoints;
}

/** Template points for an output of `size` pixels at `zoom`, about the crop centre. */
export function templateFor(size: number, zoom: number): Point[] {
  const s = size / 112;
  return TEMPLATE_112.map((p) => ({ x: (56 + (p.x - 56) * zoom) * s, y: (56 + (p.y - 56) * zoom) * s }));
}

function mouthCentreFor(size: number, zoom: number): Point {
  const s = size / 112;
  return { x: (56 + (TEMPLATE_MOUTH_CENTRE.x - 56) * zoom) * s, y: (56 + (TEMPLATE_MOUTH_CENTRE.y - 56) * zoom) * s };
}

/**
 * The similarity map from aligned-crop pixels back to image pixels (what the warp needs), fitted
 * by least squares on the landmark/template pairs.
 */
export function alignmentTransform(lm: FaceLandmarks, opts: AlignOptions): Affine {
  const t = templateFor(opts.size, opts.zoom);
  const src: Point[] = [lm.rightEye, lm.leftEye];
  const dst: Point[] = [t[0]!, t[1]!];
  if (opts.points === 'five') {
    src.push(lm.nose);
    dst.push(t[2]!);
    if (lm.rightMouth && lm.leftMouth) {
      src.push(lm.rightMouth, lm.leftMouth);
      dst.push(t[3]!, t[4]!);
    } else if (lm.mouth) {
      src.push(lm.mouth);
      dst.push(mouthCentreFor(opts.size, opts.zoom));
    }
  }
  // Fit image -> crop, then invert: the warp samples the image for each crop pixel.
  return invertAffine(estimateSimilarity(src, dst));
}
