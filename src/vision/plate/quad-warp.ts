import type { RgbImage } from '../image/rgb-image.js';
import { quadHeight, quadWidth, squareToQuad, type Quad } from './quad.js';

/**
 * Perspective rectification of text lines. The plate pipeline decodes a frame once and then
 * samples the RGB buffer directly: line warps are small, and doing them here avoids a native
 * round trip per line.
 */

/** Bilinear sample of channel `c` at (x, y), edges clamped. */
export function sampleBilinear(r: RgbImage, x: number, y: number, c: number): number {
  const fx = Math.min(Math.max(x - 0.5, 0), r.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), r.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, r.width - 1);
  const y1 = Math.min(y0 + 1, r.height - 1);
  const ax = fx - x0;
  const ay = fy - y0;
  const d = r.data;
  const w = r.width;
  const top = d[(y0 * w + x0) * 3 + c]! * (1 - ax) + d[(y0 * w + x1) * 3 + c]! * ax;
  const bottom = d[(y1 * w + x0) * 3 + c]! * (1 - ax) + d[(y1 * w + x1) * 3 + c]! * ax;
  return top * (1 - ay) + bottom * ay;
}

/**
 * Warps the region `q` of `src` into an axis-aligned `width` x `height` RGB raster. When the
 * region is larger than the output, each output pixel averages a small grid of samples so a
 * strong reduction (a 760 px crop to a 48 px text line) does not alias thin strokes away.
 */
export function warpQuad(src: RgbImage, q: Quad, width: number, height: number): RgbImage {
  const map = squareToQuad(q);
  const scale = Math.max(quadWidth(q) / width, quadHeight(q) / height);
  const k = Math.min(4, Math.max(1, Math.ceil(scale)));
  const out = new Uint8Array(width * height * 3);
  const acc = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      acc[0] = acc[1] = acc[2] = 0;
      for (let j = 0; j < k; j++) {
        const t = (y + (j + 0.5) / k) / height;
        for (let i = 0; i < k; i++) {
          const p = map((x + (i + 0.5) / k) / width, t);
          for (let c = 0; c < 3; c++) acc[c]! += sampleBilinear(src, p.x, p.y, c);
        }
      }
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[c]! / (k * k));
    }
  }
  return { data: out, width, height };
}

/** Luma (BT.601) of every pixel. */
export function toGray(r: RgbImage): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (r.data[j]! * 299 + r.data[j + 1]! * 587 + r.data[j + 2]! * 114 + 500) / 1000;
  return out;
}
