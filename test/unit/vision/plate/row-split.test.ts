import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src/vision/image/decode.js';
import type { RgbImage } from '../../../../src/vision/image/rgb-image.js';
import { parsePlateLabels } from '../../../../src/vision/plate/eval/plate-labels.js';
import { quadBounds, rectQuad, squareToQuad } from '../../../../src/vision/plate/quad.js';
import { shrinkForReading, warpQuad } from '../../../../src/vision/plate/quad-warp.js';
import { splitRows } from '../../../../src/vision/plate/row-split.js';
import { plateSvg } from '../../../../src/vision/scenes/plate-svg.js';
import type { PlateSpec } from '../../../../src/vision/scenes/random-plates.js';
import { platesFixtureDir } from './plate-test-helpers.js';

async function render(spec: PlateSpec, width: number, rotateDeg = 0): Promise<RgbImage> {
  const png = await sharp(Buffer.from(plateSvg(spec, width)))
    .rotate(rotateDeg, { background: '#303030' })
    .flatten({ background: '#303030' })
    .png()
    .toBuffer();
  return decodeImage(png);
}

describe('plate rows', () => {
  it('reads a long plate as one row and a square plate as two, split between the rows', async () => {
    const long = splitRows(await render({ style: 'vn-car-long', country: 'VN', rows: ['51A-775.29'], compact: '51A77529' }, 400));
    expect(long.rows).toBe(1);
    const square = await render({ style: 'vn-car-square', country: 'VN', rows: ['30G', '366.44'], compact: '30G36644' }, 240);
    const split = splitRows(square);
    expect(split.rows).toBe(2);
    // The artwork puts the rows at 10-45 % and 55-90 % of the height.
    expect(split.boundary!).toBeGreaterThan(0.42);
    expect(split.boundary!).toBeLessThan(0.58);
    const [top, bottom] = split.lines.map(quadBounds);
    expect(top!.y0).toBe(0);
    expect(top!.y1).toBeLessThanOrEqual(0.6 * square.height);
    expect(bottom!.y0).toBeGreaterThanOrEqual(0.4 * square.height);
    expect(bottom!.y1).toBe(square.height);
  });

  it('keeps a narrow one-row plate (2:1) as one row', async () => {
    const split = splitRows(await render({ style: 'cn-blue', country: 'CN', rows: ['AB·12345'], compact: 'AB12345' }, 200));
    expect(split.rows).toBe(1);
  });

  it('measures the tilt of a one-row plate', async () => {
    const split = splitRows(await render({ style: 'vn-car-long', country: 'VN', rows: ['51A-775.29'], compact: '51A77529' }, 400, 6));
    expect(split.rows).toBe(1);
    expect(split.tiltDeg).toBeGreaterThan(3);
    expect(split.tiltDeg).toBeLessThan(9);
  });

  it('finds the labelled row count on every fixture crop', async (ctx) => {
    const dir = platesFixtureDir();
    if (!dir) return ctx.skip();
    const labels = parsePlateLabels(await readFile(join(dir, 'labels.tsv'), 'utf8'));
    const wrong: string[] = [];
    for (const l of labels) {
      const image = shrinkForReading(await decodeImage(await readFile(join(dir, l.file))), 96);
      if (splitRows(image).rows !== l.rows) wrong.push(l.file);
    }
    expect(wrong).toEqual([]);
  });
});

describe('quad geometry', () => {
  it('maps the unit square corners onto the quad corners', () => {
    const q = [
      { x: 10, y: 5 },
      { x: 90, y: 12 },
      { x: 85, y: 40 },
      { x: 12, y: 35 },
    ] as const;
    const f = squareToQuad(q);
    for (const [s, t, p] of [
      [0, 0, q[0]],
      [1, 0, q[1]],
      [1, 1, q[2]],
      [0, 1, q[3]],
    ] as const) {
      expect(f(s, t).x).toBeCloseTo(p.x, 9);
      expect(f(s, t).y).toBeCloseTo(p.y, 9);
    }
  });

  it('warping the whole image at its own size reproduces it; shrinking averages', () => {
    const data = new Uint8Array(4 * 2 * 3).map((_, i) => (i * 37) % 256);
    const img = { width: 4, height: 2, data };
    expect(warpQuad(img, rectQuad(0, 0, 4, 2), 4, 2).data).toEqual(data);
    const flat = { width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(200) };
    const small = shrinkForReading(flat, 4);
    expect(small.width).toBe(4);
    expect([...small.data].every((v) => v === 200)).toBe(true);
  });
});
