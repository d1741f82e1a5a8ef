import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { JpegStreamSplitter, inspectJpeg, type SplitJpeg } from '../../../../drivers/camera/jpeg-splitter.js';
import { makeJpeg, scanDataOffset, withAppSegment } from './jpeg-fixtures.js';

let small: Buffer; // 64x48
let wide: Buffer; // 160x90
let progressive: Buffer; // 96x64, several scans

beforeAll(async () => {
  small = await makeJpeg(64, 48, { seed: 1 });
  wide = await makeJpeg(160, 90, { seed: 2 });
  progressive = await makeJpeg(96, 64, { seed: 3, progressive: true });
});

function splitAll(chunks: Buffer[], maxFrameBytes?: number): { frames: SplitJpeg[]; splitter: JpegStreamSplitter } {
  const splitter = new JpegStreamSplitter(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  const frames = chunks.flatMap((chunk) => splitter.push(chunk));
  return { frames, splitter };
}

/** Cuts `data` at the given offsets (sorted, deduplicated, inside the buffer). */
function cut(data: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    chunks.push(data.subarray(from, point));
    from = point;
  }
  chunks.push(data.subarray(from));
  return chunks;
}

describe('JpegStreamSplitter', () => {
  it('returns each concatenated image byte for byte, with the size from its SOF header', () => {
    const { frames, splitter } = splitAll([Buffer.concat([small, wide, progressive])]);
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [64, 48],
      [160, 90],
      [96, 64],
    ]);
    expect(frames[0]?.jpeg.equals(small)).toBe(true);
    expect(frames[1]?.jpeg.equals(wide)).toBe(true);
    expect(frames[2]?.jpeg.equals(progressive)).toBe(true);
    expect(splitter.counters()).toEqual({ frames: 3, garbageBytes: 0, corruptFrames: 0, oversizeFrames: 0 });
    expect(splitter.pendingBytes()).toBe(0);
  });

  it('finds the same images whatever the chunk boundaries (one byte at a time included)', () => {
    const stream = Buffer.concat([small, progressive]);
    const bytes = Array.from(stream, (_, i) => stream.subarray(i, i + 1));
    const { frames } = splitAll(bytes);
    expect(frames.map((f) => f.jpeg.equals(f.width === 64 ? small : progressive))).toEqual([true, true]);
  });

  it('is not fooled by SOI/EOI bytes inside an APP segment (an embedded thumbnail JPEG)', () => {
    const withThumbnail = withAppSegment(wide, Buffer.concat([Buffer.from('Exif\0\0'), small]));
    const { frames, splitter } = splitAll([withThumbnail, small]);
    expect(frames).toHaveLength(2);
    expect(frames[0]?.jpeg.equals(withThumbnail)).toBe(true);
    expect([frames[0]?.width, frames[0]?.height]).toEqual([160, 90]);
    expect(frames[1]?.jpeg.equals(small)).toBe(true);
    expect(splitter.counters().garbageBytes).toBe(0);
  });

  it('keeps restart markers, stuffed bytes and fill bytes inside the scan', () => {
    const at = scanDataOffset(small) + 10;
    // RST3, then a stuffed FF00, both in the entropy-coded data; fill bytes FF FF before EOI.
    const odd = Buffer.concat([
      small.subarray(0, at),
      Buffer.from([0xff, 0xd3, 0x12, 0xff, 0x00, 0x34]),
      small.subarray(at, small.length - 2),
      Buffer.from([0xff, 0xff, 0xff, 0xd9]),
    ]);
    const { frames } = splitAll([odd]);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.jpeg.equals(odd)).toBe(true);
  });

  it('counts noise between images as garbage and still finds every image', () => {
    const noise = Buffer.from('--boundary\r\nContent-Type: image/jpeg\r\n\r\n\xff\x00\xff', 'latin1');
    const { frames, splitter } = splitAll([noise, small, noise, wide, noise]);
    expect(frames.map((f) => f.width)).toEqual([64, 160]);
    expect(splitter.counters().garbageBytes + splitter.pendingBytes()).toBe(noise.length * 3);
  });

  it('drops an image cut short when the next one starts, and delivers the next one whole', () => {
    const cutShort = small.subarray(0, Math.floor(small.length / 2));
    const { frames, splitter } = splitAll([cutShort, wide]);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.jpeg.equals(wide)).toBe(true);
    expect(splitter.counters().corruptFrames).toBe(1);
    expect(splitter.counters().garbageBytes).toBe(cutShort.length);
  });

  it('drops an image cut inside its headers (the next SOI is then inside a skipped segment)', () => {
    // Cut inside the quantisation table segment: its length field makes the parser skip into the next image.
    const cutShort = small.subarray(0, 30);
    const { frames, splitter } = splitAll([cutShort, wide, small]);
    expect(frames.map((f) => f.width)).toEqual([160, 64]);
    expect(splitter.counters().corruptFrames).toBeGreaterThanOrEqual(1);
  });

  it('drops images larger than maxFrameBytes, counting them, and carries on', () => {
    const limit = Math.max(small.length, progressive.length) + 10;
    expect(wide.length).toBeGreaterThan(limit);
    const { frames, splitter } = splitAll([small, wide, progressive], limit);
    expect(frames.map((f) => f.width)).toEqual([64, 96]);
    expect(splitter.counters().oversizeFrames).toBe(1);
    expect(splitter.counters().garbageBytes).toBe(wide.length);
  });

  it('never holds more than maxFrameBytes plus one chunk, even on an endless malformed frame', () => {
    const splitter = new JpegStreamSplitter({ maxFrameBytes: 4096 });
    splitter.push(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02])); // SOI, SOS: entropy data follows
    let maxPending = 0;
    for (let i = 0; i < 100; i++) {
      splitter.push(Buffer.alloc(1000, 0x11));
      maxPending = Math.max(maxPending, splitter.pendingBytes());
    }
    expect(maxPending).toBeLessThanOrEqual(4096 + 1000);
    expect(splitter.counters().oversizeFrames).toBeGreaterThan(0);
  });

  it('rejects a SOI...EOI pair without a frame header or scan (no size to report)', () => {
    const { frames, splitter } = splitAll([Buffer.from([0xff, 0xd8, 0xff, 0xd9]), small]);
    expect(frames).toHaveLength(1);
    expect(splitter.counters().corruptFrames).toBe(1);
  });

  it('reset() drops a partial image and counts it as garbage', () => {
    const splitter = new JpegStreamSplitter();
    splitter.push(small.subarray(0, 100));
    splitter.reset();
    expect(splitter.pendingBytes()).toBe(0);
    expect(splitter.counters().garbageBytes).toBe(100);
    expect(splitter.push(small)).toHaveLength(1);
  });

  it('property: images separated by random noise, cut anywhere, come out intact and in order; no byte is lost', () => {
    const images = (): Buffer[] => [small, wide, progressive];
    // A false SOI in the noise can make the parser skip a segment length (at most 64 KiB) before it notices;
    // the bytes are then searched again. Zeros after the stream push any such skip to its end.
    const tail = Buffer.alloc(70_000);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 200 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, cuts) => {
          const expected = parts.map(([index]) => images()[index] as Buffer);
          const noise = parts.map(([, bytes]) => Buffer.from(bytes));
          const stream = Buffer.concat([...parts.flatMap((_, i) => [noise[i] as Buffer, expected[i] as Buffer]), tail]);
          const { frames, splitter } = splitAll(cut(stream, cuts));
          expect(frames.length).toBe(expected.length);
          frames.forEach((frame, i) => expect(frame.jpeg.equals(expected[i] as Buffer)).toBe(true));
          const delivered = frames.reduce((sum, f) => sum + f.jpeg.length, 0);
          expect(delivered + splitter.counters().garbageBytes + splitter.pendingBytes()).toBe(stream.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('inspectJpeg', () => {
  it('accepts a JPEG file and reports its size and padding', () => {
    const padded = Buffer.concat([small, Buffer.alloc(16)]);
    const result = inspectJpeg(padded);
    expect(result).toMatchObject({ ok: true, extraBytes: 16, image: { width: 64, height: 48 } });
  });

  it.each([
    ['not a JPEG (no start-of-image marker)', () => Buffer.from('\x89PNG\r\n\x1a\n not a jpeg', 'latin1')],
    ['truncated JPEG (no end-of-image marker)', () => small.subarray(0, small.length - 40)],
    ['malformed JPEG (broken marker structure or no image size)', () => Buffer.from([0xff, 0xd8, 0x00, 0x00])],
    ['not a JPEG (no start-of-image marker)', () => Buffer.alloc(0)],
  ])('rejects with a reason: %s', (reason, data) => {
    expect(inspectJpeg(data())).toEqual({ ok: false, reason });
  });

  it('rejects an image above the size limit', () => {
    expect(inspectJpeg(wide, { maxFrameBytes: 100 })).toEqual({ ok: false, reason: 'JPEG larger than 100 bytes' });
  });
});
