/** Plate and text-line geometry in image pixel coordinates (pixel centres at +0.5). */
export interface Point {
  x: number;
  y: number;
}

/** Corners clockwise from top-left: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

export function rectQuad(x: number, y: number, w: number, h: number): Quad {
  return [
    { x, y },
    { x: x + w, y },
    { x: x + w, y: y + h },
    { x, y: y + h },
  ];
}

export function mapQuad(q: Quad, f: (p: Point) => Point): Quad {
  return [f(q[0]), f(q[1]), f(q[2]), f(q[3])];
}

const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Mean length of the top and bottom edges. */
export function quadWidth(q: Quad): number {
  return (dist(q[0], q[1]) + dist(q[3], q[2])) / 2;
}

/** Mean length of the left and right edges. */
export function quadHeight(q: Quad): number {
  return (dist(q[0], q[3]) + dist(q[1], q[2])) / 2;
}

/** Axis-aligned bounds of a quad (or of any list of points). */
export function quadBounds(q: readonly Point[]): { x0: number; y0: number; x1: number; y1: number } {
  const xs = q.map((p) => p.x);
  const ys = q.map((p) => p.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Intersection over union of the axis-aligned bounds of two quads. */
export function boundsIoU(a: Quad, b: Quad): number {
  const p = quadBounds(a);
  const q = quadBounds(b);
  const iw = Math.max(0, Math.min(p.x1, q.x1) - Math.max(p.x0, q.x0));
  const ih = Math.max(0, Math.min(p.y1, q.y1) - Math.max(p.y0, q.y0));
  const inter = iw * ih;
  const union = (p.x1 - p.x0) * (p.y1 - p.y0) + (q.x1 - q.x0) * (q.y1 - q.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/** Coefficients [a, b, c, d, e, f, g, h] of the square-to-quad map (see squareToQuad). */
export type SquareToQuad = readonly [number, number, number, number, number, number, number, number];

/**
 * Projective map from the unit square onto `q` (Heckbert's square-to-quad form):
 * (s, t) = (0,0) top-left, (1,0) top-right, (1,1) bottom-right, (0,1) bottom-left;
 * x = (a s + b t + c) / (g s + h t + 1), y = (d s + e t + f) / (g s + h t + 1).
 */
export function squareToQuadCoefficients(q: Quad): SquareToQuad {
  const [p0, p1, p2, p3] = q;
  const dx1 = p1.x - p2.x;
  const dx2 = p3.x - p2.x;
  const dx3 = p0.x - p1.x + p2.x - p3.x;
  const dy1 = p1.y - p2.y;
  const dy2 = p3.y - p2.y;
  const dy3 = p0.y - p1.y + p2.y - p3.y;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = den === 0 ? 0 : (dx3 * dy2 - dx2 * dy3) / den;
  const h = den === 0 ? 0 : (dx1 * dy3 - dx3 * dy1) / den;
  return [p1.x - p0.x + g * p1.x, p3.x - p0.x + h * p3.x, p0.x, p1.y - p0.y + g * p1.y, p3.y - p0.y + h * p3.y, p0.y, g, h];
}

export function squareToQuad(q: Quad): (s: number, t: number) => Point {
  const [a, b, c, d, e, f, g, h] = squareToQuadCoefficients(q);
  return (s, t) => {
    const w = g * s + h * t + 1;
    return { x: (a * s + b * t + c) / w, y: (d * s + e * t + f) / w };
  };
}
