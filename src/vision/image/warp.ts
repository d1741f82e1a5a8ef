import { type Affine, similarityScale } from './affine.js';
import type { RgbImage } from './rgb-image.js';

/**
 * Resampling by an affine map given from OUTPUT to SOURCE pixel coordinates (pixel centres at
 * +0.5). Bilinear; when the map shrinks by more than 1.5x, each output pixel averages k x k
 * bilinear samples (k <= 4) so that a 1280-wide frame shrunk to 256 does not alias. Outside the
 * source the output is black, which is also the letterbox padding.
 */
export function warpRgb(img: RgbImage, outToSrc: Affine, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * 3);
  const { width: w, height: h, data } = img;
  const shrink = Math.max(similarityScale(outToSrc), Math.hypot(outToSrc[1], outToSrc[4]));
  const k = shrink > 1.5 ? Math.min(4, Math.ceil(shrink)) : 1;
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
