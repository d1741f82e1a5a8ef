import { describe, expect, it } from 'vitest';
import { convexHull, dbBoxes, minAreaRect } from '../../../../src/vision/plate/db-postprocess.js';
import { assemblePlates } from '../../../../src/vision/plate/line-assembly.js';
import { quadBounds, quadHeight, quadWidth, rectQuad } from '../../../../src/vision/plate/quad.js';

function mapWith(width: number, height: number, fill: (x: number, y: number) => number): Float32Array {
  const m = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) m[y * width + x] = fill(x, y);
  return m;
}

describe('DB post-processing', () => {
  it('finds one box per text region, grown back from the shrunk kernel', () => {
    const m = mapWith(100, 60, (x, y) => ((x >= 10 && x < 50 && y >= 10 && y < 20) || (x >= 60 && x < 90 && y >= 40 && y < 48) ? 0.9 : 0.05));
    const boxes = dbBoxes(m, 100, 60);
    expect(boxes).toHaveLength(2);
    const b = quadBounds(boxes.find((x) => x.quad[0].x < 30)!.quad);
    // 40x10 kernel, grown by area*1.5/perimeter = 6 px on each side.
    expect(b.x0).toBeCloseTo(4, 0);
    expect(b.x1).toBeCloseTo(56, 0);
    expect(b.y0).toBeCloseTo(4, 0);
    expect(b.y1).toBeCloseTo(26, 0);
    expect(boxes[0]!.score).toBeCloseTo(0.9, 5);
  });

  it('drops faint regions and specks', () => {
    const m = mapWith(50, 50, (x, y) => (x >= 5 && x < 40 && y >= 5 && y < 15 ? 0.45 : x === 45 && y === 45 ? 0.99 : 0));
    expect(dbBoxes(m, 50, 50)).toHaveLength(0);
  });

  it('fits a rotated rectangle to a tilted line', () => {
    const angle = (10 * Math.PI) / 180;
    const m = mapWith(120, 80, (x, y) => {
      const u = (x - 60) * Math.cos(angle) + (y - 40) * Math.sin(angle);
      const v = -(x - 60) * Math.sin(angle) + (y - 40) * Math.cos(angle);
      return Math.abs(u) < 40 && Math.abs(v) < 6 ? 0.9 : 0;
    });
    const [box] = dbBoxes(m, 120, 80, { unclipRatio: 0.0001 });
    const q = box!.quad;
    const tilt = (Math.atan2(q[1].y - q[0].y, q[1].x - q[0].x) * 180) / Math.PI;
    expect(tilt).toBeGreaterThan(7);
    expect(tilt).toBeLessThan(13);
    expect(quadWidth(q)).toBeGreaterThan(75);
    expect(quadHeight(q)).toBeLessThan(16);
  });

  it('min-area rectangle of a square hull is the square', () => {
    const r = minAreaRect(convexHull([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }, { x: 0, y: 4 }, { x: 2, y: 2 }]));
    expect(r.lenU * r.lenV).toBeCloseTo(16, 6);
  });
});

describe('plate candidates from text lines', () => {
  const box = (x: number, y: number, w: number, h: number, score = 0.9) => ({ quad: rectQuad(x, y, w, h), score });

  it('stacks a short line on a longer one into a two-row plate, top row first', () => {
    const out = assemblePlates([box(200, 340, 120, 40), box(210, 290, 80, 40), box(600, 100, 300, 30)]);
    const two = out.find((c) => c.lines.length === 2)!;
    expect(two).toBeDefined();
    expect(quadBounds(two.lines[0]!).y0).toBe(290);
    expect(quadBounds(two.lines[1]!).y0).toBe(340);
    expect(out.filter((c) => c.lines.length === 1)).toHaveLength(1);
  });

  it('joins fragments of one line cut at a separator', () => {
    const out = assemblePlates([box(100, 100, 60, 30), box(170, 102, 90, 30)]);
    expect(out).toHaveLength(1);
    const b = quadBounds(out[0]!.lines[0]!);
    expect(b.x0).toBe(100);
    expect(b.x1).toBe(260);
  });

  it('does not stack lines far apart or of very different size', () => {
    const out = assemblePlates([box(100, 100, 200, 30), box(120, 300, 200, 30), box(500, 100, 40, 8), box(500, 112, 300, 60)]);
    expect(out.every((c) => c.lines.length === 1)).toBe(true);
  });
});
