import { type Affine, similarityScale } from './affine.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Resampling by an affine map given from OUTPUT to SOURCE pixel coordinates (pixel centres at
 * +0.5). Bilinear; when the map shrinks by more than 1.5x, each output pixel averages k x k
 * bilinear samples (k <= 4), after a box pre-shrink for large factors, so that a 1280-wide frame
 * shrunk to 256 does not alias. Outside the source the output is black, which is also the
 * letterbox padding.
 */
export function warpRgb(img: RgbImage, outToSrc: Affine, outW: number, outH: number): Float32Array {
  const shrink0 = Math.max(similarityScale(outToSrc), Math.hypot(outToSrc[1], outToSrc[4]));
  // Large shrink: average f x f blocks first (each source pixel read once), then resample the
  // small image; far cheaper than many sub-samples per output pixel.
  if (shrink0 >= 2) {
    const f = Math.floor(shrink0);
    // Only the part of the source the output looks at (plus a block of margin).
    const [a, b, c, d, e, g] = outToSrc;
    const xs = [c, a * outW + c, b * outH + c, a * outW + b * outH + c];
    const ys = [g, d * outW + g, e * outH + g, d * outW + e * outH + g];
    const x0 = Math.max(0, Math.floor(Math.min(...xs)) - f);
    const y0 = Math.max(0, Math.floor(Math.min(...ys)) - f);
    const x1 = Math.min(img.width, Math.ceil(Math.max(...xs)) + f);
    const y1 = Math.min(img.height, Math.ceil(Math.max(...ys)) + f);
    if (x1 - x0 < f || y1 - y0 < f) return new Float32Array(outW * outH * 3);
    const m: Affine = [a / f, b / f, (c - x0) / f, d / f, e / f, (g - y0) / f];
    return resample(boxDownsample(img, f, x0, y0, x1, y1), m, outW, outH);
  }
  return resample(img, outToSrc, outW, outH);
}

/**
 * Averages f x f blocks of the region [x0, x1) x [y0, y1) (default: the whole image); blocks cut
 * by the region's right/bottom edge are averaged over the pixels that exist.
 */
export function boxDownsample(img: RgbImage, f: number, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height): RgbImage {
  const regionW = x1 - x0;
  const w = Math.ceil(regionW / f);
  const h = Math.ceil((y1 - y0) / f);
  const acc = new Uint32Array(w * 3);
  const out = new Uint8Array(w * h * 3);
  const src = img.data;
  const rowBytes = img.width * 3;
  for (let by = 0; by < h; by++) {
    acc.fill(0);
    const ry0 = y0 + by * f;
    const ry1 = Math.min(y1, ry0 + f);
    for (let y = ry0; y < ry1; y++) {
      const row = y * rowBytes + x0 * 3;
      for (let bx = 0; bx < w; bx++) {
        let r = 0;
        let g = 0;
        let b = 0;
        const xEnd = Math.min(regionW, (bx + 1) * f) * 3;
        for (let i = bx * f * 3; i < xEnd; i += 3) {
          r += src[row + i]!;
          g += src[row + i + 1]!;
          b += src[row + i + 2]!;
        }
        acc[bx * 3] = acc[bx * 3]! + r;
        acc[bx * 3 + 1] = acc[bx * 3 + 1]! + g;
        acc[bx * 3 + 2] = acc[bx * 3 + 2]! + b;
      }
    }
    const rows = ry1 - ry0;
    const o = by * w * 3;
    for (let bx = 0; bx < w; bx++) {
      const n = rows * (Math.min(regionW, (bx + 1) * f) - bx * f);
      out[o + bx * 3] = (acc[bx * 3]! + (n >> 1)) / n;
      out[o + bx * 3 + 1] = (acc[bx * 3 + 1]! + (n >> 1)) / n;
      out[o + bx * 3 + 2] = (acc[bx * 3 + 2]! + (n >> 1)) / n;
    }
  }
  return { width: w, height: h, data: out };
}

function resample(img: RgbImage, outToSrc: Affine, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  const { width: w, height: h, data } = img;
  const shrink = Math.max(similarityScale(outToSrc), Math.hypot(outToSrc[1], outToSrc[4]));
  const k = shrink > 1.5 ? Math.min(4, Math.ceil(shrink)) : 1;
  if (k === 1) return resampleBilinear(img, outToSrc, outW, outH, out);
  const inv = 1 / (k * k);
  const [a, b, c, d, e, f] = outToSrc;
  let o = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let sy = 0; sy < k; sy++) {
        const py = y + (sy + 0.5) / k;
        for (let sx = 0; sx < k; sx++) {
          const px = x + (sx + 0.5) / k;
          const u = a * px + b * py + c - 0.5;
          const v = d * px + e * py + f - 0.5;
          if (u < -0.5 || v < -0.5 || u > w - 0.5 || v > h - 0.5) continue;
          let x0 = Math.floor(u);
          let y0 = Math.floor(v);
          const fx = u - x0;
          const fy = v - y0;
          let x1 = x0 + 1;
          let y1 = y0 + 1;
          if (x0 < 0) x0 = 0;
          if (y0 < 0) y0 = 0;
          if (x1 > w - 1) x1 = w - 1;
          if (y1 > h - 1) y1 = h - 1;
          const i00 = (y0 * w + x0) * 3;
          const i01 = (y0 * w + x1) * 3;
          const i10 = (y1 * w + x0) * 3;
          const i11 = (y1 * w + x1) * 3;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
          g += data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
          bl += data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
        }
      }
      out[o++] = r * inv;
      out[o++] = g * inv;
      out[o++] = bl * inv;
    }
  }
  return out;
}

/**
 * The common case (no shrink): one bilinear sample per output pixel, walking the source incrementally.
 * The bilinear tap repeats the one inside resample()'s supersampling loop on purpose: this loop runs
 * for every aligned face and plate line, and a shared helper call per pixel measurably slowed it.
 */
function resampleBilinear(img: RgbImage, m: Affine, outW: number, outH: number, out: Float32Array): Float32Array {
  const { width: w, height: h, data } = img;
  const [a, b, c, d, e, f] = m;
  const maxU = w - 0.5;
  const maxV = h - 0.5;
  let o = 0;
  for (let y = 0; y < outH; y++) {
    // Source position of pixel centre (0.5, y + 0.5), then step by (a, d) per output pixel.
    let u = a * 0.5 + b * (y + 0.5) + c - 0.5;
    let v = d * 0.5 + e * (y + 0.5) + f - 0.5;
    for (let x = 0; x < outW; x++, u += a, v += d, o += 3) {
      if (u < -0.5 || v < -0.5 || u > maxU || v > maxV) continue;
      let x0 = Math.floor(u);
      let y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      let x1 = x0 + 1;
      let y1 = y0 + 1;
      if (x0 < 0) x0 = 0;
      if (y0 < 0) y0 = 0;
      if (x1 > w - 1) x1 = w - 1;
      if (y1 > h - 1) y1 = h - 1;
      const i00 = (y0 * w + x0) * 3;
      const i01 = (y0 * w + x1) * 3;
      const i10 = (y1 * w + x0) * 3;
      const i11 = (y1 * w + x1) * 3;
      const w11 = fx * fy;
      const w01 = fx - w11;
      const w10 = fy - w11;
      const w00 = 1 - fx - fy + w11;
      out[o] = data[i00]! * w00 + data[i01]! * w01 + data[i10]! * w10 + data[i11]! * w11;
      out[o + 1] = data[i00 + 1]! * w00 + data[i01 + 1]! * w01 + data[i10 + 1]! * w10 + data[i11 + 1]! * w11;
      out[o + 2] = data[i00 + 2]! * w00 + data[i01 + 2]! * w01 + data[i10 + 2]! * w10 + data[i11 + 2]! * w11;
    }
  }
  return out;
}

/** Warps to an 8-bit image (face crops for quality checks and evidence). */
export function warpToImage(img: RgbImage, outToSrc: Affine, outW: number, outH: number): RgbImage {
  const f = warpRgb(img, outToSrc, outW, outH);
  const data = new Uint8Array(f.length);
  for (let k = 0; k < f.length; k++) data[k] = Math.round(f[k]!);
  return { width: outW, height: outH, data };
}

/** How a model wants its input tensor: value = (pixel * scale - mean[c]) / std[c]. */
export interface TensorFormat {
  layout: 'NCHW' | 'NHWC';
  colour: 'RGB' | 'BGR';
  scale: number;
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Writes interleaved RGB floats (0..255) into a model tensor, converting layout, channel order
 * and normalisation. `target`/`offset` allow batching several crops into one tensor.
 */
export function toTensor(rgb: Float32Array, w: number, h: number, fmt: TensorFormat, target?: Float32Array, offset = 0): Float32Array {
  const out = target ?? new Float32Array(w * h * 3);
  const plane = w * h;
  for (let ch = 0; ch < 3; ch++) {
    const src = fmt.colour === 'BGR' ? 2 - ch : ch;
    const mul = fmt.scale / fmt.std[ch]!;
    const add = -fmt.mean[ch]! / fmt.std[ch]!;
    if (fmt.layout === 'NCHW') {
      const base = offset + ch * plane;
      for (let p = 0; p < plane; p++) out[base + p] = rgb[p * 3 + src]! * mul + add;
    } else {
      for (let p = 0; p < plane; p++) out[offset + p * 3 + ch] = rgb[p * 3 + src]! * mul + add;
    }
  }
  return out;
}
