import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpegStreamSplitter, inspectJpeg } from '../../drivers/camera/jpeg-splitter.js';
import { ImageError, type RgbImage } from '../../src/vision/image/rgb-image.js';
import { toRgb } from '../../src/vision/plate/plate-reader.js';
import { checksCoverage, chunked, fuzz, fuzzAsync, must, mutated } from './fuzz-kit.js';

/**
 * Images handed to the vision pipelines: the camera's MJPEG stream is cut into frames by
 * JpegStreamSplitter (pure, 100,000 cases), each frame enters the pipelines through toRgb (the face
 * and plate cameras' decode step: encoded bytes go to sharp/libvips, native, where a crash would take
 * the daemon down; raw frames are checked for size). Corrupt bytes or frames must give an ImageError
 * with a code and a message saying what to do, or a well-formed RGB image, nothing else.
 */

const FIXTURES = process.env['LANE_FIXTURES'] ?? new URL('../../../shared/fixtures', import.meta.url).pathname;
const CODES = new Set(['image_empty', 'image_corrupt', 'image_too_large', 'image_unsupported', 'image_bad_frame']);
let corpus: Buffer[] = [];
/** Small images for the decoder (mostly 32x32: a decode costs well under 1 ms, so 100,000 fit the budget). */
let decodeCorpus: Buffer[] = [];

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
  // Every JPEG and PNG layout the decoder branches on, at 32x32: baseline, progressive, EXIF-rotated,
  // 4:4:4, greyscale JPEG; RGB, RGBA, grey, palette and interlaced PNG; plus a WebP (also accepted).
  const small = () => sharp(raw.subarray(0, 32 * 32 * 3), { raw: { width: 32, height: 32, channels: 3 } });
  const rgba = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 53) & 0xff;
  decodeCorpus = [
    await small().jpeg({ quality: 80 }).toBuffer(),
    await small().jpeg({ progressive: true }).toBuffer(),
    await small().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
    await small().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer(),
    await small().greyscale().jpeg().toBuffer(),
    await sharp(raw.subarray(0, 8 * 8 * 3), { raw: { width: 8, height: 8, channels: 3 } }).jpeg().toBuffer(),
    await small().png().toBuffer(),
    await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer(),
    await small().greyscale().png().toBuffer(),
    await small().png({ palette: true }).toBuffer(),
    await small().png({ progressive: true }).toBuffer(),
    await small().webp().toBuffer(),
  ];
  // And one real camera crop (the first fixture above, ~100x50): a real encoder's markers and tables.
  if (corpus.length > 4) decodeCorpus.push(corpus[4]!);
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

  /** A raw frame as a camera driver hands it over, with its size or byte count possibly wrong. */
  const rawFrames: fc.Arbitrary<RgbImage> = fc
    .tuple(
      fc.oneof(fc.integer({ min: 1, max: 32 }), fc.constantFrom(0, -1, 1.5, Number.NaN, 100_000, 2 ** 31)),
      fc.oneof(fc.integer({ min: 1, max: 32 }), fc.constantFrom(0, -4, 0.5, Number.POSITIVE_INFINITY, 100_000)),
      fc.integer({ min: -3, max: 3 }),
    )
    .map(([width, height, extra]) => {
      const want = Number.isSafeInteger(width * height) && width > 0 && height > 0 && width * height <= 32 * 32 ? width * height * 3 : 12;
      return { width, height, data: new Uint8Array(Math.max(0, want + extra)) };
    });

  it('toRgb, the vision pipelines\' entry (sharp for bytes): an RGB image or an ImageError with a code and a fix, never another failure', async () => {
    let decoded = 0;
    const codes = new Set<string>();
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
      { weight: 6, arbitrary: mutated(decodeCorpus) },
      { weight: 1, arbitrary: rawFrames },
    );
    const report = await fuzzAsync(
      'images/decode',
      input,
      async (image) => {
        let img: RgbImage;
        try {
          img = await toRgb(image);
        } catch (err) {
          must(err instanceof ImageError, () => `not an ImageError: ${String(err)}`);
          must(CODES.has(err.code), `unknown code ${err.code}`);
          // A clear rejection: what is wrong and what to do, short enough for a log line.
          must(err.fix.length > 0 && err.message.length > err.fix.length && err.message.length < 600, () => `unclear rejection: ${err.message}`);
          codes.add(err.code);
          return;
        }
        must(img.width > 0 && img.height > 0 && img.data.length === img.width * img.height * 3, 'decoded image has the wrong shape');
        decoded += 1;
      },
      {
        heapGrowthMb: 64,
        // Resident memory outside the JS heap grows here by up to ~270 MB and then stays flat (measured
        // over 120,000 decodes; flat from the start with MALLOC_ARENA_MAX=1): glibc's per-thread malloc
        // arenas fragmenting under libvips' allocations, not a leak (sharp runs one libvips thread on
        // glibc for the same reason). The bound below still catches a gross native leak; the exact
        // check is libvips' own count of the memory it holds, just after this campaign.
        nativeGrowthMb: 384,
      },
    );
    // libvips tracks every buffer it allocates: with its operation cache dropped, nothing may be left
    // (sharp reports whole MB), and no decode may still be queued or running.
    const cacheDefaults = sharp.cache();
    sharp.cache(false);
    const held = sharp.cache().memory.current;
    sharp.cache({ memory: cacheDefaults.memory.max, files: cacheDefaults.files.max, items: cacheDefaults.items.max });
    expect(held, `libvips still holds ${held} MB after ${report.runs} decodes (seed ${report.seed})`).toBeLessThanOrEqual(1);
    expect(sharp.counters()).toEqual({ queue: 0, process: 0 });
    if (checksCoverage(report)) {
      expect(decoded).toBeGreaterThan(0);
      for (const code of ['image_corrupt', 'image_empty', 'image_unsupported', 'image_bad_frame']) expect(codes).toContain(code);
    }
  }, 600_000);
});
