import { readFile } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { DEFAULT_MAX_PIXELS, ImageError, rgbFrame, type RgbImage } from './rgb-image.js';

export interface DecodeOptions {
  /** Refuse larger images before decoding them (sharp's limitInputPixels). */
  maxPixels?: number;
}

/**
 * Decodes JPEG/PNG/WebP bytes to RGB, applying the EXIF orientation. Every failure becomes an
 * ImageError with a reason: empty input, corrupt or truncated data (sharp fails on the first
 * decoder warning, so a half-written JPEG is refused rather than half-grey), too many pixels.
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw new ImageError('image_empty', 'image is empty (0 bytes)', 'check the camera or file that produced it');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (err) {
    const msg = (err as Error).message;
    if (/pixel limit/i.test(msg)) {
      throw new ImageError('image_too_large', `image exceeds the ${maxPixels} pixel limit`, 'send a smaller image (the camera should deliver at most 1920x1080)');
    }
    if (/unsupported image format/i.test(msg)) {
      throw new ImageError('image_unsupported', 'not a JPEG, PNG or WebP image', 'send a JPEG, PNG or WebP image');
    }
    throw new ImageError('image_corrupt', `image cannot be decoded (${msg.split('\n')[0]})`, 'the file is corrupt or truncated: re-capture it');
  }
  const { width, height, channels } = out.info;
  return rgbFrame(width, height, toRgb(out.data, width * height, channels), maxPixels);
}

function toRgb(data: Buffer, pixels: number, channels: number): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (channels === 3) return bytes;
  const rgb = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const v = bytes[p * channels]!;
    rgb[p * 3] = v;
    rgb[p * 3 + 1] = channels >= 3 ? bytes[p * channels + 1]! : v;
    rgb[p * 3 + 2] = channels >= 3 ? bytes[p * channels + 2]! : v;
  }
  return rgb;
}

/** Reads and decodes an image file; a missing or unreadable file is an ImageError too. */
export async function readImageFile(path: string, opts: DecodeOptions = {}): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new ImageError('image_empty', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the path');
  }
  try {
    return await decodeImage(bytes, opts);
  } catch (err) {
    if (err instanceof ImageError) throw new ImageError(err.code, `${path}: ${err.message.split('; ')[0]}`, err.fix);
    throw err;
  }
}

/** Encodes an RGB image as JPEG (evidence crops, debugging). */
export async function encodeJpeg(img: RgbImage, quality = 90): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}
