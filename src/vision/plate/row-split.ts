import type { RgbImage } from '../image/rgb-image.js';
import { rectQuad, type Quad } from './quad.js';
import { toGray, warpQuad } from './quad-warp.js';

/**
 * Finds the text lines of a plate crop: whether it holds one row or two, where the rows meet,
 * and how far the text is tilted, so each row can be cut out straight and tight.
 *
 * The evidence is the text itself: the crop is binarised (Otsu) and each pixel row counts its
 * ink/background transitions inside the inner 88 % of the width (the plate frame stays out).
 * Character rows cross many strokes; the band between two rows crosses almost none.
 * - Tilt: the crop is sheared vertically by trial angles; the angle whose row profile is the
 *   most peaked (largest sum of squares) lines the characters up.
 * - Rows: two when the quietest point of the middle band is much quieter than the busiest
 *   row on each side of it.
 * - A crop wider than TWO_ROW_MAX_ASPECT is one row whatever its profile: no two-row plate is
 *   that wide (Vietnamese square plates about 1.4:1, Chinese rear plates 2:1).
 */
export const TWO_ROW_MAX_ASPECT = 2.6;
/** Valley/peak transition ratio below which the middle band separates two rows. */
export const TWO_ROW_VALLEY_RATIO = 0.55;
const PROFILE_HEIGHT = 64;
const SIDE_MARGIN = 0.06;
/** The boundary between rows is searched in this band of the height. */
const BAND: readonly [number, number] = [0.25, 0.75];
/** Trial tilts, in degrees (plates hang straight within a few degrees; cameras add some). */
const MAX_TILT_DEG = 12;
const TILT_STEP_DEG = 1.5;
/** A row's text spans the pixel rows busier than this share of the row's peak. */
const TEXT_ROW_SHARE = 0.25;
/** Margin kept above and below a row's text, as a share of its height. */
const ROW_MARGIN = 0.12;

export interface RowSplit {
  rows: 1 | 2;
  /** Boundary as a fraction of the crop height (two rows only). */
  boundary?: number;
  /** valley / min(peak above, peak below); lower means a clearer gap. */
  valleyRatio: number;
  /** Tilt found (degrees, positive when the text descends to the right). */
  tiltDeg: number;
  /** Text lines in crop coordinates, top first. */
  lines: Quad[];
}

export function otsuThreshold(gray: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of gray) hist[v]!++;
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * hist[i]!;
  let sumB = 0;
  let wB = 0;
  let best = -1;
  let threshold = 127;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = gray.length - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const between = wB * wF * (sumB / wB - (sum - sumB) / wF) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * Transitions per pixel row of a binary image sheared by `slope` (rows follow
 * y + (x - centre) * slope), lightly smoothed over 3 rows.
 */
export function transitionProfile(bin: Uint8Array, width: number, height: number, slope = 0): Float64Array {
  const x0 = Math.floor(width * SIDE_MARGIN);
  const x1 = Math.ceil(width * (1 - SIDE_MARGIN));
  const cx = width / 2;
  const raw = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let n = 0;
    let prev = -1;
    for (let x = x0; x < x1; x++) {
      const sy = Math.round(y + (x - cx) * slope);
      if (sy < 0 || sy >= height) {
        prev = -1;
        continue;
      }
      const v = bin[sy * width + x]!;
      if (prev >= 0 && v !== prev) n++;
      prev = v;
    }
    raw[y] = n;
  }
  const out = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let s = 0;
    let n = 0;
    for (let k = -1; k <= 1; k++) {
      if (y + k >= 0 && y + k < height) {
        s += raw[y + k]!;
        n++;
      }
    }
    out[y] = s / n;
  }
  return out;
}

function peakedness(profile: Float64Array): number {
  let s = 0;
  for (const v of profile) s += v * v;
  return s;
}

/** Boundary between two rows: the middle-band row that best separates two busy bands. */
function bestBoundary(profile: Float64Array): { y: number; ratio: number } {
  const h = profile.length;
  const maxAbove = new Float64Array(h);
  const maxBelow = new Float64Array(h);
  for (let y = 0, m = 0; y < h; y++) maxAbove[y] = m = Math.max(m, profile[y]!);
  for (let y = h - 1, m = 0; y >= 0; y--) maxBelow[y] = m = Math.max(m, profile[y]!);
  let best = { y: Math.floor(h / 2), ratio: 1 };
  for (let y = Math.floor(h * BAND[0]); y <= Math.ceil(h * BAND[1]) && y < h - 1; y++) {
    const peak = Math.min(maxAbove[y]!, maxBelow[y + 1]!);
    const ratio = peak > 0 ? profile[y]! / peak : 1;
    if (ratio < best.ratio - 1e-9) best = { y, ratio };
    else if (Math.abs(ratio - best.ratio) <= 1e-9 && best.ratio < 1) best = { y: (best.y + y) / 2, ratio };
  }
  return best;
}

/** Extent [top, bottom) of the text inside profile rows [from, to), with a margin. */
function textExtent(profile: Float64Array, from: number, to: number): [number, number] {
  let peak = 0;
  for (let y = from; y < to; y++) peak = Math.max(peak, profile[y]!);
  let top = from;
  let bottom = to;
  while (top < to - 1 && profile[top]! < peak * TEXT_ROW_SHARE) top++;
  while (bottom > top + 1 && profile[bottom - 1]! < peak * TEXT_ROW_SHARE) bottom--;
  const margin = Math.max(1, (bottom - top) * ROW_MARGIN);
  return [Math.max(from, top - margin), Math.min(to, bottom + margin)];
}

export function splitRows(crop: RgbImage): RowSplit {
  const whole = rectQuad(0, 0, crop.width, crop.height);
  const aspect = crop.width / crop.height;
  const w = Math.max(16, Math.min(256, Math.round((PROFILE_HEIGHT * crop.width) / crop.height)));
  const h = PROFILE_HEIGHT;
  const gray = toGray(warpQuad(crop, whole, w, h));
  const th = otsuThreshold(gray);
  const bin = new Uint8Array(gray.length);
  for (let i = 0; i < gray.length; i++) bin[i] = gray[i]! > th ? 1 : 0;

  let slope = 0;
  let profile = transitionProfile(bin, w, h, 0);
  let bestScore = peakedness(profile);
  for (let deg = -MAX_TILT_DEG; deg <= MAX_TILT_DEG + 1e-9; deg += TILT_STEP_DEG) {
    if (Math.abs(deg) < 1e-9) continue;
    const s = Math.tan((deg * Math.PI) / 180) * (h / crop.height) * (crop.width / w);
    const p = transitionProfile(bin, w, h, s);
    const score = peakedness(p);
    // Only a clearly better alignment moves off level: noise should not tilt a straight plate.
    if (score > bestScore * 1.03) {
      bestScore = score;
      slope = s;
      profile = p;
    }
  }
  const tiltDeg = (Math.atan(slope * (crop.height / h) * (w / crop.width)) * 180) / Math.PI;

  const b = bestBoundary(profile);
  const two = aspect < TWO_ROW_MAX_ASPECT && b.ratio < TWO_ROW_VALLEY_RATIO;
  const bands: [number, number][] = two ? [textExtent(profile, 0, Math.round(b.y) + 1), textExtent(profile, Math.round(b.y), h)] : [textExtent(profile, 0, h)];

  // Back to crop pixels: a band [y0, y1) in the sheared profile is a parallelogram in the crop.
  const sx = crop.width / w;
  const sy = crop.height / h;
  const cx = w / 2;
  const at = (x: number, y: number): { x: number; y: number } => ({ x: x * sx, y: (y + (x - cx) * slope) * sy });
  const lines = bands.map(([y0, y1]): Quad => [at(0, y0), at(w, y0), at(w, y1), at(0, y1)]);
  return { rows: two ? 2 : 1, ...(two ? { boundary: (b.y + 0.5) / h } : {}), valleyRatio: b.ratio, tiltDeg, lines };
}
