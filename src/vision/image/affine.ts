/**
 * 2-D affine maps as [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f.
 * Used for letterboxing, tiling and the five-point face alignment.
 */
export type Affine = readonly [number, number, number, number, number, number];
export interface Point {
  x: number;
  y: number;
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('affine map is not invertible');
  const a = m[4] / det;
  const b = -m[1] / det;
  const d = -m[3] / det;
  const e = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])];
}

/** Scale then translate: x' = s*x + tx. */
export function scaleTranslate(sx: number, sy: number, tx: number, ty: number): Affine {
  return [sx, 0, tx, 0, sy, ty];
}

/**
 * Least-squares similarity (rotation, uniform scale, translation; no reflection) taking `src`
 * onto `dst`: the closed form of Umeyama's method in 2-D. Needs two or more distinct points.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new Error('estimateSimilarity needs two or more matching points');
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let k = 0; k < n; k++) {
    sx += src[k]!.x;
    sy += src[k]!.y;
    dx += dst[k]!.x;
    dy += dst[k]!.y;
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let norm = 0;
  let dot = 0;
  let cross = 0;
  for (let k = 0; k < n; k++) {
    const px = src[k]!.x - sx;
    const py = src[k]!.y - sy;
    const qx = dst[k]!.x - dx;
    const qy = dst[k]!.y - dy;
    norm += px * px + py * py;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
  }
  if (norm < 1e-9) throw new Error('estimateSimilarity: source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, dx - a * sx + b * sy, b, a, dy - b * sx - a * sy];
}

/** Uniform scale factor of a similarity map. */
export function similarityScale(m: Affine): number {
  return Math.hypot(m[0], m[3]);
}
