import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, readImageFile } from '../../../../src/vision/image/decode.js';
import { ImageError, rgbFrame } from '../../../../src/vision/image/rgb-image.js';

async function jpeg(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toBuffer();
}

async function failure(p: Promise<unknown>): Promise<ImageError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageError);
  return err as ImageError;
}

/** Rewrites the SOF0 frame size of a baseline JPEG (the header a decoder reads first). */
function withDeclaredSize(bytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && out[i + 1] === 0xc0) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
  }
  throw new Error('no SOF0 marker');
}

describe('image decoding: bad input gives a reason, never a crash', () => {
  it('decodes a JPEG to packed RGB', async () => {
    const img = await decodeImage(await jpeg());
    expect([img.width, img.height, img.data.length]).toEqual([64, 48, 64 * 48 * 3]);
    expect(Math.abs(img.data[0]! - 200)).toBeLessThan(6);
  });

  it('refuses zero bytes', async () => {
    const err = await failure(decodeImage(new Uint8Array(0)));
    expect(err.code).toBe('image_empty');
  });

  it('refuses a truncated JPEG (half the file)', async () => {
    const whole = await jpeg(320, 240);
    const err = await failure(decodeImage(whole.subarray(0, whole.length >> 1)));
    expect(err.code).toBe('image_corrupt');
    expect(err.message).toMatch(/corrupt or truncated: re-capture it/);
  });

  it('refuses a JPEG with a corrupt body', async () => {
    const whole = await jpeg(320, 240);
    const bad = Buffer.concat([whole.subarray(0, 300), Buffer.alloc(2000, 0x55)]);
    expect((await failure(decodeImage(bad))).code).toBe('image_corrupt');
  });

  it('refuses bytes that are no image at all', async () => {
    expect((await failure(decodeImage(Buffer.from('hello, not a picture')))).code).toBe('image_unsupported');
  });

  it('refuses a 10,000 x 10,000 image from its header, before decoding it', async () => {
    const big = withDeclaredSize(await jpeg(), 10_000, 10_000);
    const err = await failure(decodeImage(big));
    expect(err.code).toBe('image_too_large');
    expect(err.message).toMatch(/exceeds the 40000000 pixel limit/);
  });

  it('checks raw frames: zero size, too large, wrong byte count', () => {
    expect(() => rgbFrame(0, 720, new Uint8Array(0))).toThrow(/frame size 0x720 is empty/);
    expect(() => rgbFrame(10_000, 10_000, new Uint8Array(3))).toThrow(/exceeds the 40000000 pixel limit/);
    expect(() => rgbFrame(4, 4, new Uint8Array(10))).toThrow(/should hold 48 RGB bytes but has 10/);
    expect(rgbFrame(2, 1, new Uint8Array(6)).width).toBe(2);
  });

  it('names a missing file', async () => {
    const err = await failure(readImageFile(join('/nonexistent', 'x.jpg')));
    expect(err.message).toMatch(/\/nonexistent\/x\.jpg cannot be read \(ENOENT\)/);
  });

  it('reads greyscale and alpha images as RGB', async () => {
    const grey = await sharp(Buffer.alloc(100, 128), { raw: { width: 10, height: 10, channels: 1 } }).png().toBuffer();
    const rgba = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toBuffer();
    for (const b of [grey, rgba]) expect((await decodeImage(b)).data.length).toBe(300);
  });
});
