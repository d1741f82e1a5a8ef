import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpegStreamSplitter, inspectJpeg } from '../../drivers/camera/jpeg-splitter.js';
import { decodeImage } from '../../src/vision/image/decode.js';
import { ImageError } from '../../src/vision/image/rgb-image.js';
import { checksCoverage, chunked, fuzz, fuzzAsync, fuzzRuns, must, mutated } from './fuzz-kit.js';

/**
 * Images handed to the vision pipelines: the camera's MJPEG stream is cut into frames by
 * JpegStreamSplitter (pure, 100,000 cases), each frame is decoded by decodeImage (sharp/libvips, native:
 * a crash there would take the daemon down). Corrupt JPEG bytes must give an ImageError with a code,
 * or a well-formed RGB image, nothing else.
 */

const FIXTURES = process.env['LANE_FIXTURES'] ?? new URL('../../../shared/fixtures', import.meta.url).pathname;
const CODES = new Set(['image_empty', 'image_corrupt', 'image_too_large', 'image_unsupported']);
let corpus: Buffer[] = [];

beforeAll(async () => {
  // Synthetic frames (baseline, progressive, with EXIF orientation, tiny) plus a few real plate crops.
  const raw = Buffer.alloc(48 * 32 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) & 0xff;
  const img = () => sharp(raw, { raw: { width: 48, height: 32, channels: 3 } });
  corpus = [
    await img().jpeg({ quality: 80 }).toBuffer(),
    await img().jpeg({ progressive: true }).toBuffer(),
    await img().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    await sharp(raw.subarray(0, 8 * 8 * 3), { raw: { width: 8, height: 8, channels: 3 } }).jpeg().toBuffer(),
  ];
  const plates = join(FIXTURES, 'plates', 'cn');
  if (existsSync(plates)) {
    for (const f of readdirSync(plates).filter((n) => n.endsWith('.jpg')).slice(0, 3)) corpus.push(readFileSync(join(plates, f)));
  } else {
    console.log(`[fuzz] images: ${plates} not found; fuzzing synthetic JPEGs only`);
  }
});

describe('images under generated and mutated JPEG bytes', () => {
  it('MJPEG stream splitter: never throws, frames are bounded, every byte is accounted for', () => {
    const maxFrameBytes = 64 * 1024;
    const splitter = new JpegStreamSplitter({ maxFrameBytes });
    let pushed = 0;
    let frameBytes = 0;
    let frames = 0;
    const input = chunked(
      fc.oneof(
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
        { weight: 4, arbitrary: mutated(corpus) },
        { weight: 1, arbitrary: fc.constantFrom(...corpus) },
      ),
    );
    const report = fuzz('images/jpeg-splitter', input, (chunks) => {
      for (const chunk of chunks) {
        pushed += chunk.length;
        for (const frame of splitter.push(Buffer.from(chunk))) {
          frames += 1;
          frameBytes += frame.jpeg.length;
          must(frame.jpeg.length <= maxFrameBytes, `frame of ${frame.jpeg.length} bytes`);
          must(frame.width > 0 && frame.height > 0, `frame of ${frame.width}x${frame.height}`);
        }
        // Bounded by the largest frame plus the chunk being parsed (an oversize candidate is dropped once seen).
        must(splitter.pendingBytes() <= maxFrameBytes + chunk.length + 2, `${splitter.pendingBytes()} bytes pending`);
      }
      must(frameBytes + splitter.counters().garbageBytes + splitter.pendingBytes() === pushed, 'bytes lost or invented by the splitter');
    });
    if (checksCoverage(report)) expect(frames).toBeGreaterThan(100);
  }, 240_000);

  it('inspectJpeg: a reason for every refusal', () => {
    fuzz('images/inspect-jpeg', mutated(corpus), (bytes) => {
      const r = inspectJpeg(bytes, { maxFrameBytes: 64 * 1024 });
      if (!r.ok) must(r.reason.length > 0, 'refusal without a reason');
    });
  }, 240_000);

  // sharp decodes on libuv's thread pool: about 0.5-2 ms per case, so 3,000 cases (not 100,000).
  it('decodeImage (sharp): an RGB image or an ImageError with a code, never another failure', async () => {
    let decoded = 0;
    const codes = new Set<string>();
    const input = fc.oneof({ weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }, { weight: 6, arbitrary: mutated(corpus) });
    await fuzzAsync(
      'images/decode',
      input,
      async (bytes) => {
        try {
          const img = await decodeImage(bytes, { maxPixels: 4_000_000 });
          must(img.width > 0 && img.height > 0 && img.data.length === img.width * img.height * 3, 'decoded image has the wrong shape');
          decoded += 1;
        } catch (err) {
          must(err instanceof ImageError, () => `not an ImageError: ${String(err)}`);
          must(CODES.has(err.code), `unknown code ${err.code}`);
          codes.add(err.code);
        }
      },
      { runs: fuzzRuns(3_000), heapGrowthMb: 64 },
    );
    expect(decoded).toBeGreaterThan(0);
    expect(codes).toContain('image_corrupt');
  }, 240_000);
});
