/**
 * Splits a byte stream of concatenated JPEG images (ffmpeg `-f image2pipe -c:v mjpeg`, an MJPEG camera,
 * a file) into whole images, whatever the chunk boundaries.
 *
 * Why a segment parser and not a search for FFD8/FFD9: an APP segment may carry any bytes, and EXIF
 * thumbnails are themselves JPEGs, so SOI/EOI byte pairs can occur inside a frame. The parser therefore
 * walks the marker segments by their length fields, and only in entropy-coded data (after SOS) looks for
 * markers, where the format guarantees none hides: a data byte 0xFF is always stuffed as FF00, and RSTn
 * markers (FFD0-FFD7) belong to the scan.
 *
 * Anything that is not a well-formed image (noise between frames, a frame cut short, a frame larger than
 * maxFrameBytes) is dropped and counted, never thrown: after a malformed "frame" the bytes after its SOI
 * are searched again, so a real image that began inside the bad one is still found. Invariant, checked by
 * a property test: bytes of returned frames + garbageBytes + pendingBytes() = bytes pushed.
 */
export interface SplitJpeg {
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface JpegSplitterCounters {
  frames: number;
  garbageBytes: number;
  /** Candidate frames dropped for broken structure (a cut-off frame, a false SOI in noise). */
  corruptFrames: number;
  oversizeFrames: number;
}

export interface JpegSplitterOptions {
  /** Longest accepted image; memory held per stream is bounded by it. Default 8 MiB. */
  maxFrameBytes?: number;
}

export const DEFAULT_MAX_JPEG_BYTES = 8 * 1024 * 1024;

const EMPTY = Buffer.alloc(0);
const SOI = Buffer.from([0xff, 0xd8]);
const MARKER_PREFIX = 0xff;
const SOI_CODE = 0xd8;
const EOI_CODE = 0xd9;
const SOS_CODE = 0xda;
const TEM_CODE = 0x01;

/** Start-of-frame markers carry the image size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(code: number): boolean {
  return code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc;
}

function isRestart(code: number): boolean {
  return code >= 0xd0 && code <= 0xd7;
}

type State = 'seek' | 'marker' | 'entropy';
/** What one parsing step achieved: `wait` needs more bytes, `go` made progress. */
type Step = 'wait' | 'go';

export class JpegStreamSplitter {
  private readonly maxFrameBytes: number;
  /** Unconsumed bytes; outside 'seek' a frame candidate starts at buf[0]. */
  private buf: Buffer = EMPTY;
  /** Parsing position inside buf. */
  private pos = 0;
  private state: State = 'seek';
  private width = 0;
  private height = 0;
  private scans = 0;
  private out: SplitJpeg[] = [];
  private readonly stats: JpegSplitterCounters = { frames: 0, garbageBytes: 0, corruptFrames: 0, oversizeFrames: 0 };

  constructor(opts: JpegSplitterOptions = {}) {
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_JPEG_BYTES;
  }

  /** Feeds bytes; returns the images they completed, in stream order. */
  push(chunk: Buffer): SplitJpeg[] {
    if (chunk.length > 0) this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.step() === 'go') {
      // each step consumed bytes or moved pos forward
    }
    const done = this.out;
    this.out = [];
    return done;
  }

  /** Drops a partial frame (the source restarted); its bytes count as garbage. */
  reset(): void {
    this.stats.garbageBytes += this.buf.length;
    this.buf = EMPTY;
    this.restartFrame('seek');
  }

  /** Bytes held back waiting for the rest of a frame. */
  pendingBytes(): number {
    return this.buf.length;
  }

  counters(): JpegSplitterCounters {
    return { ...this.stats };
  }

  private step(): Step {
    if (this.state !== 'seek' && Math.min(this.pos, this.buf.length) > this.maxFrameBytes) {
      this.stats.oversizeFrames += 1;
      return this.rescan();
    }
    switch (this.state) {
      case 'seek':
        return this.seek();
      case 'marker':
        return this.marker();
      case 'entropy':
        return this.entropy();
    }
  }

  private seek(): Step {
    const at = this.buf.indexOf(SOI);
    if (at < 0) {
      // Keep a trailing 0xFF: it may be the first half of an SOI split across chunks.
      const keep = this.buf.length > 0 && this.buf[this.buf.length - 1] === MARKER_PREFIX ? 1 : 0;
      this.discard(this.buf.length - keep);
      return 'wait';
    }
    this.discard(at);
    this.restartFrame('marker');
    this.pos = 2;
    return 'go';
  }

  private marker(): Step {
    const buf = this.buf;
    let p = this.pos;
    if (p >= buf.length) return 'wait';
    if (buf[p] !== MARKER_PREFIX) return this.corrupt();
    while (p + 1 < buf.length && buf[p + 1] === MARKER_PREFIX) p += 1; // fill bytes before a marker
    this.pos = p;
    if (p + 1 >= buf.length) return 'wait';
    const code = buf[p + 1] as number;
    if (code === SOI_CODE) {
      // A new image starts where this one should have continued: this one was cut off.
      this.stats.corruptFrames += 1;
      this.discard(p);
      this.restartFrame('marker');
      this.pos = 2;
      return 'go';
    }
    if (code === EOI_CODE) return this.endOfImage(p + 2);
    if (isRestart(code) || code === TEM_CODE) {
      this.pos = p + 2;
      return 'go';
    }
    if (code === 0x00) return this.corrupt();
    if (p + 4 > buf.length) return 'wait';
    const length = buf.readUInt16BE(p + 2);
    if (length < 2) return this.corrupt();
    if (isStartOfFrame(code)) {
      if (length < 8) return this.corrupt();
      if (p + 9 > buf.length) return 'wait';
      this.height = buf.readUInt16BE(p + 5);
      this.width = buf.readUInt16BE(p + 7);
    }
    this.pos = p + 2 + length;
    if (code === SOS_CODE) {
      this.scans += 1;
      this.state = 'entropy';
    }
    return 'go';
  }

  private entropy(): Step {
    const buf = this.buf;
    for (;;) {
      if (this.pos >= buf.length) return 'wait';
      const at = buf.indexOf(MARKER_PREFIX, this.pos);
      if (at < 0) {
        this.pos = buf.length;
        return 'wait';
      }
      if (at + 1 >= buf.length) {
        this.pos = at;
        return 'wait';
      }
      const next = buf[at + 1] as number;
      if (next === 0x00 || isRestart(next)) {
        this.pos = at + 2; // stuffed 0xFF data byte or a restart marker: still inside the scan
      } else if (next === MARKER_PREFIX) {
        this.pos = at + 1; // fill byte: the marker follows
      } else {
        this.pos = at;
        this.state = 'marker';
        return 'go';
      }
    }
  }

  private endOfImage(end: number): Step {
    if (this.width === 0 || this.height === 0 || this.scans === 0) return this.corrupt();
    if (end > this.maxFrameBytes) {
      this.stats.oversizeFrames += 1;
      return this.rescan();
    }
    // A copy: the frame must not pin the (larger) chunk it arrived in, nor share memory with the next one.
    const jpeg = Buffer.from(this.buf.subarray(0, end));
    this.out.push({ jpeg, width: this.width, height: this.height });
    this.stats.frames += 1;
    this.buf = this.buf.subarray(end);
    this.restartFrame('seek');
    return 'go';
  }

  private corrupt(): Step {
    this.stats.corruptFrames += 1;
    return this.rescan();
  }

  /** Gives up the current candidate: its SOI is garbage, the bytes after it are searched again. */
  private rescan(): Step {
    this.discard(2);
    this.restartFrame('seek');
    return 'go';
  }

  private discard(bytes: number): void {
    if (bytes <= 0) return;
    this.stats.garbageBytes += bytes;
    this.buf = bytes >= this.buf.length ? EMPTY : this.buf.subarray(bytes);
  }

  private restartFrame(state: State): void {
    this.state = state;
    this.pos = 0;
    this.width = 0;
    this.height = 0;
    this.scans = 0;
  }
}

export type JpegInspection = { ok: true; image: SplitJpeg; extraBytes: number } | { ok: false; reason: string };

/**
 * Checks that a buffer (an image file) holds a well-formed JPEG and returns it with its size. Bytes
 * before or after the image (padding some cameras write) are tolerated and reported as `extraBytes`.
 */
export function inspectJpeg(data: Buffer, opts: JpegSplitterOptions = {}): JpegInspection {
  const splitter = new JpegStreamSplitter(opts);
  const [image] = splitter.push(data);
  if (image) return { ok: true, image, extraBytes: data.length - image.jpeg.length };
  const stats = splitter.counters();
  if (stats.oversizeFrames > 0) return { ok: false, reason: `JPEG larger than ${opts.maxFrameBytes ?? DEFAULT_MAX_JPEG_BYTES} bytes` };
  if (splitter.pendingBytes() > 1) return { ok: false, reason: 'truncated JPEG (no end-of-image marker)' };
  if (stats.corruptFrames > 0) return { ok: false, reason: 'malformed JPEG (broken marker structure or no image size)' };
  return { ok: false, reason: 'not a JPEG (no start-of-image marker)' };
}
