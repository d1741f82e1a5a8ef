import type { RgbImage } from '../image/rgb-image.js';
import { quadHeight, quadWidth, squareToQuadCoefficients, type Quad } from './quad.js';

/**
 * Perspective rectification of text lines. The plate pipeline decodes a frame once and then
 * samples the RGB buffer directly: line warps are small, and doing them here avoids a native
 * round trip per line.
 */

/**
 * Warps the region `q` of `src` into an axis-aligned `width` x `height` RGB image (bilinear,
 * edges clamped). When the region is larger than the output, each output pixel averages a
 * k x k grid of samples (k <= 4), so a strong reduction does not alias thin strokes away.
 */
export function warpQuad(src: RgbImage, q: Quad, width: number, height: number): RgbImage {
  const [a, b, c, d, e, f, g, h] = squareToQuadCoefficients(q);
  const scale = Math.max(quadWidth(q) / width, quadHeight(q) / height);
  const k = Math.min(4, Math.max(1, Math.ceil(scale - 0.25)));
  const out = new Uint8Array(width * height * 3);
  const data = src.data;
  const sw = src.width;
  const maxX = src.width - 1;
  const maxY = src.height - 1;
  const norm = 1 / (k * k);
  let o = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let gr = 0;
      let bl = 0;
      for (let j = 0; j < k; j++) {
        const t = (y + (j + 0.5) / k) / height;
        for (let i = 0; i < k; i++) {
          const s = (x + (i + 0.5) / k) / width;
          const wz = g * s + h * t + 1;
          // Pixel centres sit at +0.5: shift to index space, then clamp to the image.
          let fx = (a * s + b * t + c) / wz - 0.5;
          let fy = (d * s + e * t + f) / wz - 0.5;
          fx = fx < 0 ? 0 : fx > maxX ? maxX : fx;
          fy = fy < 0 ? 0 : fy > maxY ? maxY : fy;
          const x0 = fx | 0;
          const y0 = fy | 0;
          const x1 = x0 < maxX ? x0 + 1 : x0;
          const y1 = y0 < maxY ? y0 + 1 : y0;
          const ax = fx - x0;
          const ay = fy - y0;
          const i00 = (y0 * sw + x0) * 3;
          const i01 = (y0 * sw + x1) * 3;
          const i10 = (y1 * sw + x0) * 3;
          const i11 = (y1 * sw + x1) * 3;
          const w00 = (1 - ax) * (1 - ay);
          const w01 = ax * (1 - ay);
          const w10 = (1 - ax) * ay;
          const w11 = ax * ay;
          r += data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
          gr += data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
          bl += data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
        }
      }
      out[o++] = Math.round(r * norm);
      out[o++] = Math.round(gr * norm);
      out[o++] = Math.round(bl * norm);
    }
  }
  return { data: out, width, height };
}

/**
 * Area-average reduction by an integer factor so the shorter side stays >= `minSide`; the
 * image itself when it is already small. Lets later warps sample a few pixels instead of
 * sixteen for a large crop.
 */
export function shrinkForReading(src: RgbImage, minSide: number): RgbImage {
  const factor = Math.floor(Math.min(src.width, src.height) / minSide);
  if (factor < 2) return src;
  const width = Math.floor(src.width / factor);
  const height = Math.floor(src.height / factor);
  const out = new Uint8Array(width * height * 3);
  const acc = new Float64Array(width * 3);
  const norm = 1 / (factor * factor);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let j = 0; j < factor; j++) {
      let p = (y * factor + j) * src.width * 3;
      for (let x = 0; x < width; x++) {
        for (let i = 0; i < factor; i++) {
          acc[x * 3]! += src.data[p]!;
          acc[x * 3 + 1]! += src.data[p + 1]!;
          acc[x * 3 + 2]! += src.data[p + 2]!;
          p += 3;
        }
      }
    }
    const o = y * width * 3;
    for (let i = 0; i < width * 3; i++) out[o + i] = Math.round(acc[i]! * norm);
  }
  return { data: out, width, height };
}

/** Luma (BT.601) of every pixel. */
export function toGray(r: RgbImage): Uint8Array {
  const out = new Uint8Array(r.width * r.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) out[i] = (r.data[j]! * 299 + r.data[j + 1]! * 587 + r.data[j + 2]! * 114 + 500) / 1000;
  return out;
}
