import type { TextBox } from './db-postprocess.js';
import { quadBounds, quadHeight, quadWidth, rectQuad, type Quad } from './quad.js';

/**
 * Turns the detector's text lines into plate candidates, top row first.
 *
 * 1. Fragments of one line are joined: the detector may cut `51A-775.29` at the dash. Two
 *    boxes join when they sit on the same line (centres within half a height vertically,
 *    similar heights) with a gap under one line height.
 * 2. Two-row plates are assembled: a line sits on top of another when it is just above it
 *    (gap under 0.8 of the lower line's height, a small overlap allowed), horizontally inside
 *    it, no wider than 1.3 times it and of comparable height (a Chinese rear plate's top
 *    row is smaller: 0.45 to 1.6 times the lower line). Each line joins at most one pair; the
 *    closest pairs are taken first.
 * 3. Lines too flat, too tall or too small to be plate text are dropped first.
 */
export interface PlateCandidate {
  /** One or two text lines, top first. */
  lines: Quad[];
  /** Outline of the whole plate. */
  quad: Quad;
  score: number;
}

export interface AssemblyOptions {
  /** Shortest line height kept, in frame pixels. */
  minLineHeight?: number;
  /** Tallest line height kept, in frame pixels (default: no limit). */
  maxLineHeight?: number;
  /** At most this many candidates, largest first. */
  maxCandidates?: number;
}

interface Line {
  quad: Quad;
  score: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function toLine(quad: Quad, score: number): Line {
  const cx = (quad[0].x + quad[1].x + quad[2].x + quad[3].x) / 4;
  const cy = (quad[0].y + quad[1].y + quad[2].y + quad[3].y) / 4;
  const w = quadWidth(quad);
  const h = quadHeight(quad);
  return { quad, score, cx, cy, w, h, top: cy - h / 2, bottom: cy + h / 2, left: cx - w / 2, right: cx + w / 2 };
}

function joinFragments(lines: Line[]): Line[] {
  const out = [...lines].sort((a, b) => a.left - b.left);
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = 0; j < out.length && !merged; j++) {
        if (i === j) continue;
        const a = out[i]!;
        const b = out[j]!;
        if (b.left < a.left) continue;
        const h = Math.max(a.h, b.h);
        const sameLine = Math.abs(a.cy - b.cy) < h / 2 && Math.min(a.h, b.h) / h > 0.7;
        const gap = b.left - a.right;
        if (sameLine && gap < h && gap > -h / 2) {
          const quad: Quad = [a.quad[0], b.quad[1], b.quad[2], a.quad[3]];
          out.splice(Math.max(i, j), 1);
          out.splice(Math.min(i, j), 1, toLine(quad, (a.score * a.w + b.score * b.w) / (a.w + b.w)));
          merged = true;
        }
      }
    }
  }
  return out;
}

function stackScore(upper: Line, lower: Line): number | undefined {
  const gap = lower.top - upper.bottom;
  if (gap > 0.8 * lower.h || gap < -0.35 * lower.h) return undefined;
  if (upper.cx < lower.left - 0.1 * lower.w || upper.cx > lower.right + 0.1 * lower.w) return undefined;
  if (upper.w > 1.3 * lower.w || upper.w < 0.2 * lower.w) return undefined;
  const hr = upper.h / lower.h;
  if (hr < 0.45 || hr > 1.6) return undefined;
  // Smaller is better: vertical gap and horizontal offset, in lower-line heights.
  return Math.abs(gap) / lower.h + Math.abs(upper.cx - lower.cx) / lower.h;
}

export function assemblePlates(boxes: readonly TextBox[], options: AssemblyOptions = {}): PlateCandidate[] {
  const minH = options.minLineHeight ?? 8;
  const maxH = options.maxLineHeight ?? Number.POSITIVE_INFINITY;
  const maxCandidates = options.maxCandidates ?? 6;
  const lines = joinFragments(
    boxes
      .map((b) => toLine(b.quad, b.score))
      .filter((l) => l.h >= minH && l.h <= maxH && l.w / l.h >= 0.8 && l.w / l.h <= 16),
  );

  const pairs: { upper: number; lower: number; score: number }[] = [];
  lines.forEach((upper, i) =>
    lines.forEach((lower, j) => {
      if (i === j || upper.cy >= lower.cy) return;
      const s = stackScore(upper, lower);
      if (s !== undefined) pairs.push({ upper: i, lower: j, score: s });
    }),
  );
  pairs.sort((a, b) => a.score - b.score);
  const used = new Set<number>();
  const out: PlateCandidate[] = [];
  for (const p of pairs) {
    if (used.has(p.upper) || used.has(p.lower)) continue;
    used.add(p.upper).add(p.lower);
    const u = lines[p.upper]!;
    const l = lines[p.lower]!;
    // The plate outline: the box around both rows.
    const b = quadBounds([...u.quad, ...l.quad]);
    const quad = rectQuad(b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    out.push({ lines: [u.quad, l.quad], quad, score: Math.min(u.score, l.score) });
  }
  lines.forEach((l, i) => {
    if (!used.has(i)) out.push({ lines: [l.quad], quad: l.quad, score: l.score });
  });
  const area = (c: PlateCandidate): number => quadWidth(c.quad) * quadHeight(c.quad);
  out.sort((a, b) => area(b) - area(a));
  return out.slice(0, maxCandidates);
}
