import type { RgbImage } from '../image/rgb-image.js';
import { rectQuad, type Quad } from './quad.js';
import { toGray, warpQuad } from './quad-warp.js';

/**
 * Finds the text lines of a plate crop: whether it holds one row or two, where the rows meet,
 * and, for one-row plates, how far the text is tilted, so each line is read straight.
 *
 * The evidence is the text itself: per pixel row, the number of ink/background crossings
 * inside the inner 88 % of the width (the plate frame stays out). Character rows cross many
 * strokes; the band between two rows crosses almost none.
 * - Rows: two when the quietest row of the middle band is much quieter than the busiest row
 *   on each side of it.
 * - A crop wider than TWO_ROW_MAX_ASPECT is one row whatever its profile: no two-row plate is
 *   that wide (Vietnamese square plates about 1.4:1, Chinese rear plates 2:1).
 * - Tilt (one-row plates): where the strokes sit in vertical strips, fitted with a line.
 */
export const TWO_ROW_MAX_ASPECT = 2.6;
/** Valley/peak crossing ratio below which the middle band separates two rows. */
export const TWO_ROW_VALLEY_RATIO = 0.55;
const PROFILE_HEIGHT = 64;
const SIDE_MARGIN = 0.06;
/** The boundary between rows is searched in this band of the height. */
const BAND: readonly [number, number] = [0.25, 0.75];
/** A row line extends across the gap until crossings exceed this share of the way from the valley to the lower peak. */
const GAP_EDGE = 0.3;
/** Largest tilt corrected, in degrees; a larger estimate is treated as noise. */
const MAX_TILT_DEG = 15;
/** Neighbourhood radius of the stroke map, in profile pixels (about a stroke-to-stroke gap). */
const STROKE_RADIUS = 6;

export interface RowSplit {
  rows: 1 | 2;
  /** Boundary as a fraction of the crop height (two rows only). */
  boundary?: number;
  /** valley / min(peak above, peak below); lower means a clearer gap. */
  valleyRatio: number;
  /** Tilt corrected (degrees, positive when the text descends to the right). */
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

/** Two-level map of a gray image at its Otsu threshold, as +1 / -1 (the stroke map's shape). */
export function otsuMap(gray: Uint8Array): Int8Array {
  const th = otsuThreshold(gray);
  const out = new Int8Array(gray.length);
  for (let i = 0; i < gray.length; i++) out[i] = gray[i]! > th ? 1 : -1;
  return out;
}

/**
 * Stroke-edge map of a gray image: +1 where a pixel is clearly brighter than its
 * neighbourhood mean, -1 where clearly darker, 0 otherwise. Local rather than global (Otsu)
 * because a blue plate and a dark car body can share one side of any global threshold while
 * the white characters still stand out locally.
 */
export function strokeMap(gray: Uint8Array, width: number, height: number, radius: number, contrast = 12): Int8Array {
  const iw = width + 1;
  const integral = new Float64Array(iw * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += gray[y * width + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const out = new Int8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const sum = integral[y1 * iw + x1]! - integral[y0 * iw + x1]! - integral[y1 * iw + x0]! + integral[y0 * iw + x0]!;
      const d = gray[y * width + x]! - sum / ((x1 - x0) * (y1 - y0));
      out[y * width + x] = d > contrast ? 1 : d < -contrast ? -1 : 0;
    }
  }
  return out;
}

/**
 * Stroke crossings per pixel row (bright/dark sign changes, neutral pixels skipped) inside
 * the inner width, rows following y + (x - centre) * slope; smoothed over 3 rows.
 */
export function transitionProfile(strokes: Int8Array, width: number, height: number, slope = 0): Float64Array {
  const x0 = Math.floor(width * SIDE_MARGIN);
  const x1 = Math.ceil(width * (1 - SIDE_MARGIN));
  const cx = width / 2;
  const raw = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    let n = 0;
    let prev = 0;
    for (let x = x0; x < x1; x++) {
      const sy = Math.round(y + (x - cx) * slope);
      if (sy < 0 || sy >= height) continue;
      const v = strokes[sy * width + x]!;
      if (v === 0) continue;
      if (prev !== 0 && v !== prev) n++;
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

/**
 * Text slope (profile pixels per pixel) from where the strokes sit: the crop is cut into
 * vertical strips, each strip's stroke crossings give a vertical centre, and a weighted
 * line through the centres gives the slope. Zero when the strips disagree with a line.
 */
export function estimateSlope(strokes: Int8Array, width: number, height: number, strips = 8): number {
  const x0 = Math.floor(width * SIDE_MARGIN);
  const x1 = Math.ceil(width * (1 - SIDE_MARGIN));
  const pts: { x: number; y: number; w: number }[] = [];
  const stripW = (x1 - x0) / strips;
  for (let s = 0; s < strips; s++) {
    const a = Math.floor(x0 + s * stripW);
    const b = Math.floor(x0 + (s + 1) * stripW);
    let sw = 0;
    let sy = 0;
    for (let y = 0; y < height; y++) {
      for (let x = a + 1; x < b; x++) {
        const v = strokes[y * width + x]!;
        const u = strokes[y * width + x - 1]!;
        if (v !== 0 && u !== 0 && v !== u) {
          sw++;
          sy += y;
        }
      }
    }
    if (sw >= 3) pts.push({ x: (a + b) / 2, y: sy / sw, w: sw });
  }
  if (pts.length < strips / 2) return 0;
  let W = 0;
  let mx = 0;
  let my = 0;
  for (const p of pts) {
    W += p.w;
    mx += p.w * p.x;
    my += p.w * p.y;
  }
  mx /= W;
  my /= W;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += p.w * (p.x - mx) * (p.y - my);
    sxx += p.w * (p.x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
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


/** Rows [from, to) around `y` that are quiet: the gap between two text rows, in profile rows. */
function quietBand(profile: Float64Array, y: number): [number, number] {
  const h = profile.length;
  const centre = Math.round(y);
  let above = 0;
  let below = 0;
  for (let i = 0; i < h; i++) {
    if (i <= centre) above = Math.max(above, profile[i]!);
    else below = Math.max(below, profile[i]!);
  }
  const valley = profile[centre]!;
  const edge = valley + GAP_EDGE * (Math.min(above, below) - valley);
  let from = centre;
  let to = centre + 1;
  while (from > 0 && profile[from - 1]! <= edge) from--;
  while (to < h && profile[to]! <= edge) to++;
  return [from, to];
}

export function splitRows(crop: RgbImage): RowSplit {
  const whole = rectQuad(0, 0, crop.width, crop.height);
  const aspect = crop.width / crop.height;
  const w = Math.max(16, Math.min(256, Math.round((PROFILE_HEIGHT * crop.width) / crop.height)));
  const h = PROFILE_HEIGHT;
  const gray = toGray(warpQuad(crop, whole, w, h));

  // Whether there are two rows: global Otsu crossings separate the rows of dark-on-light
  // Vietnamese plates from one-row plates with the widest margin (measured on the fixtures:
  // two-row ratios <= 0.38, narrow one-row >= 0.78). Where the rows meet: local strokes, which
  // keep a weak bottom row visible where a global threshold loses it.
  const decision = bestBoundary(transitionProfile(otsuMap(gray), w, h));
  const strokes = strokeMap(gray, w, h, STROKE_RADIUS);
  if (aspect < TWO_ROW_MAX_ASPECT && decision.ratio < TWO_ROW_VALLEY_RATIO) {
    // Two rows are cut level, each reaching across the quiet gap but not into the other row
    // (a fixed overlap put the tops of the bottom digits into the top line). No tilt here: an
    // estimate mixes the rows (the top row is shorter) and measured worse than none.
    const profile = transitionProfile(strokes, w, h);
    const b = bestBoundary(profile);
    const [quietFrom, quietTo] = quietBand(profile, b.y);
    const boundary = (b.y + 0.5) / h;
    return {
      rows: 2,
      boundary,
      valleyRatio: decision.ratio,
      tiltDeg: 0,
      lines: [rectQuad(0, 0, crop.width, (quietTo / h) * crop.height), rectQuad(0, (quietFrom / h) * crop.height, crop.width, ((h - quietFrom) / h) * crop.height)],
    };
  }

  // One row: straighten the line. Local strokes, because a blue plate on a dark car body can
  // fall on one side of any global threshold while its white characters still stand out.
  let slope = estimateSlope(strokes, w, h);
  const maxSlope = Math.tan((MAX_TILT_DEG * Math.PI) / 180) * (h / crop.height) * (crop.width / w);
  if (Math.abs(slope) > maxSlope) slope = 0;
  const tiltDeg = (Math.atan(slope * (crop.height / h) * (w / crop.width)) * 180) / Math.PI;
  // The full height is kept: the recogniser measured better with the plate margin around the
  // text than with the line cut tight.
  const sx = crop.width / w;
  const sy = crop.height / h;
  const cx = w / 2;
  const at = (x: number, y: number): { x: number; y: number } => ({ x: x * sx, y: (y + (x - cx) * slope) * sy });
  return { rows: 1, valleyRatio: decision.ratio, tiltDeg, lines: [[at(0, 0), at(w, 0), at(w, h), at(0, h)]] };
}
