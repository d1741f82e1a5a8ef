import sharp from 'sharp';

/**
 * Real JPEG encodings (libvips/mozjpeg through sharp) of noisy pictures, so the entropy-coded data holds
 * plenty of stuffed FF00 bytes, as camera frames do.
 */
export async function makeJpeg(
  width: number,
  height: number,
  opts: { seed?: number; progressive?: boolean; quality?: number } = {},
): Promise<Buffer> {
  let state = (opts.seed ?? 1) >>> 0;
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // LCG: deterministic noise
    pixels[i] = state >>> 24;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: opts.quality ?? 80, progressive: opts.progressive ?? false })
    .toBuffer();
}

/** Inserts an APP1 segment carrying `payload` right after SOI (as EXIF does, thumbnails included). */
export function withAppSegment(jpeg: Buffer, payload: Buffer): Buffer {
  const length = payload.length + 2;
  if (length > 0xffff) throw new Error('APP payload too long for one segment');
  const header = Buffer.from([0xff, 0xe1, length >> 8, length & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** Offset of the first byte of entropy-coded data (just after the first SOS segment). */
export function scanDataOffset(jpeg: Buffer): number {
  let p = 2;
  while (p + 4 <= jpeg.length) {
    const code = jpeg[p + 1] as number;
    const length = jpeg.readUInt16BE(p + 2);
    if (code === 0xda) return p + 2 + length;
    p += 2 + length;
  }
  throw new Error('no SOS segment');
}
