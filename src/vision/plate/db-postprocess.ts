import type { Point, Quad } from './quad.js';

/**
 * Text boxes from the DB detector's probability map (the post-processing PaddleOCR describes
 * for DBNet): threshold the map, take each connected region, score it by its mean
 * probability, fit the smallest rotated rectangle around it and grow that rectangle by
 * area * unclipRatio / perimeter on every side (the network predicts shrunk text kernels).
 */
export interface TextBox {
  /** Corners clockwise from top-left, in the map's pixel coordinates. */
  quad: Quad;
  /** Mean probability over the region. */
  score: number;
}

export interface DbOptions {
  /** Pixel probability that counts as text (PaddleOCR: 0.3). */
  threshold?: number;
  /** Mean region probability needed to keep a box (PaddleOCR: 0.6). */
  boxThreshold?: number;
  /** Growth of the shrunk kernel back to the text outline (PaddleOCR: 1.5). */
  unclipRatio?: number;
  /** Regions with fewer pixels are noise. */
  minPixels?: number;
  /** Boxes whose short side (after growth) is below this are dropped. */
  minSide?: number;
  /** At most this many boxes, best scores first. */
  maxBoxes?: number;
}

/** Convex hull (monotone chain), counter-clockwise in image axes (y down), no collinear points. */
export function convexHull(points: Point[]): Point[] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length <= 2) return pts;
  const cross = (o: Point, a: Point, b: Point): number => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

export interface RotatedRect {
  centre: Point;
  /** Unit vector along the first side. */
  u: Point;
  /** Length along u and along the perpendicular. */
  lenU: number;
  lenV: number;
}

/** Smallest-area rectangle around a convex hull (rotating calipers over its edges). */
export function minAreaRect(hull: Point[]): RotatedRect {
  if (hull.length === 0) return { centre: { x: 0, y: 0 }, u: { x: 1, y: 0 }, lenU: 0, lenV: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.max(1, hull.length); i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    const u = len > 0 ? { x: (b.x - a.x) / len, y: (b.y - a.y) / len } : { x: 1, y: 0 };
    const v = { x: -u.y, y: u.x };
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (const p of hull) {
      const pu = p.x * u.x + p.y * u.y;
      const pv = p.x * v.x + p.y * v.y;
      minU = Math.min(minU, pu);
      maxU = Math.max(maxU, pu);
      minV = Math.min(minV, pv);
      maxV = Math.max(maxV, pv);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { centre: { x: cu * u.x + cv * v.x, y: cu * u.y + cv * v.y }, u, lenU: maxU - minU, lenV: maxV - minV };
    }
  }
  return best!;
}

/**
 * Rectangle corners ordered for reading: the two leftmost are the left side (top one first),
 * the two rightmost the right side; clockwise from top-left.
 */
export function rectCorners(r: RotatedRect): Quad {
  const v = { x: -r.u.y, y: r.u.x };
  const hu = r.lenU / 2;
  const hv = r.lenV / 2;
  const pts = [
    [hu, hv],
    [hu, -hv],
    [-hu, -hv],
    [-hu, hv],
  ].map(([a, b]) => ({ x: r.centre.x + a! * r.u.x + b! * v.x, y: r.centre.y + a! * r.u.y + b! * v.y }));
  pts.sort((a, b) => a.x - b.x || a.y - b.y);
  const [l1, l2, r1, r2] = pts as [Point, Point, Point, Point];
  const [tl, bl] = l1.y <= l2.y ? [l1, l2] : [l2, l1];
  const [tr, br] = r1.y <= r2.y ? [r1, r2] : [r2, r1];
  return [tl, tr, br, bl];
}

export function dbBoxes(prob: Float32Array, width: number, height: number, options: DbOptions = {}): TextBox[] {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.5;
  const minPixels = options.minPixels ?? 8;
  const minSide = options.minSide ?? 3;
  const maxBoxes = options.maxBoxes ?? 200;

  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: TextBox[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (label[start] !== 0 || prob[start]! <= threshold) continue;
    next++;
    label[start] = next;
    let top = 0;
    stack[top++] = start;
    let sum = 0;
    let count = 0;
    // Per pixel row of the region: leftmost and rightmost column (enough for the hull).
    const rows = new Map<number, [number, number]>();
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width;
      const y = (i - x) / width;
      sum += prob[i]!;
      count++;
      const ext = rows.get(y);
      if (!ext) rows.set(y, [x, x]);
      else {
        if (x < ext[0]) ext[0] = x;
        if (x > ext[1]) ext[1] = x;
      }
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const j = ny * width + nx;
          if (label[j] === 0 && prob[j]! > threshold) {
            label[j] = next;
            stack[top++] = j;
          }
        }
      }
    }
    if (count < minPixels) continue;
    const score = sum / count;
    if (score < boxThreshold) continue;
    const pts: Point[] = [];
    for (const [y, [x0, x1]] of rows) pts.push({ x: x0, y }, { x: x0, y: y + 1 }, { x: x1 + 1, y }, { x: x1 + 1, y: y + 1 });
    const rect = minAreaRect(convexHull(pts));
    const area = rect.lenU * rect.lenV;
    const perimeter = 2 * (rect.lenU + rect.lenV);
    if (perimeter <= 0) continue;
    const grow = (area * unclipRatio) / perimeter;
    const grown: RotatedRect = { ...rect, lenU: rect.lenU + 2 * grow, lenV: rect.lenV + 2 * grow };
    if (Math.min(grown.lenU, grown.lenV) < minSide) continue;
    boxes.push({ quad: rectCorners(grown), score });
  }
  boxes.sort((a, b) => b.score - a.score);
  return boxes.slice(0, maxBoxes);
}
