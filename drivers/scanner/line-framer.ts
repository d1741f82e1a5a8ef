/**
 * Splits a serial byte stream into frames the way line-mode scanners send them: a code followed by
 * CR, CRLF or LF, or (suffix 'none') a code followed by a pause. Pure and byte-exact: no timers, no
 * I/O, time is passed in, and every byte between two terminators is kept as sent. The serial line
 * scanner owns the timer; later scanner drivers (AIM identifiers, trigger protocols) reuse this as is.
 *
 * Tolerance rules (a scanner on a noisy RS-232 line or at the wrong baud rate must not crash the lane,
 * nor turn noise into codes):
 * - a frame longer than maxFrameBytes is dropped whole: its bytes are discarded up to the next
 *   terminator (or pause) so its tail never surfaces as a bogus code (counter `oversize`);
 * - two terminators in a row give no frame (counter `empty`);
 * - in suffixed modes a partial frame followed by a pause of staleGapMs is dropped, so a code cut off
 *   by an unplug or a stall is not glued to the front of the next one (counter `stale`).
 * Which bytes a code may contain is decided separately by decodeLineFrame().
 */
export type LineSuffix = 'cr' | 'crlf' | 'lf' | 'none';

export interface LineFramerOptions {
  suffix: LineSuffix;
  /** A fixed prefix the scanner sends before each code; stripped when present (counter `missingPrefix`). */
  prefix?: string | Uint8Array;
  /** Longest accepted frame in bytes, prefix included; default 4096 (a version-40 QR holds 2953 bytes). */
  maxFrameBytes?: number;
  /** Suffix 'none': a pause this long ends a frame. Default 50 ms. */
  interByteTimeoutMs?: number;
  /** Suffixed modes: a partial frame followed by a pause this long is dropped. Default 2000 ms; null: never. */
  staleGapMs?: number | null;
}

export interface LineFramerCounters {
  bytes: number;
  frames: number;
  oversize: number;
  empty: number;
  stale: number;
  missingPrefix: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 4096;
const CR = 0x0d;
const LF = 0x0a;

export class LineFramer {
  private readonly suffix: LineSuffix;
  private readonly prefix: Buffer | null;
  private readonly maxFrameBytes: number;
  private readonly interByteTimeoutMs: number;
  private readonly staleGapMs: number | null;
  /** Fixed-size buffer: memory stays bounded whatever the line sends. */
  private readonly pending: Buffer;
  private length = 0;
  /** Dropping the rest of an oversize frame until its terminator (or pause). */
  private discarding = false;
  /** CRLF mode: a CR was seen and the next byte decides whether it was a terminator. */
  private heldCr = false;
  private lastByteAt: number | null = null;
  private readonly count: LineFramerCounters = { bytes: 0, frames: 0, oversize: 0, empty: 0, stale: 0, missingPrefix: 0 };

  constructor(opts: LineFramerOptions) {
    this.suffix = opts.suffix;
    this.prefix = opts.prefix === undefined ? null : Buffer.from(opts.prefix);
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(this.maxFrameBytes) || this.maxFrameBytes < 1) {
      throw new RangeError(`maxFrameBytes must be a positive integer, got ${String(opts.maxFrameBytes)}`);
    }
    this.interByteTimeoutMs = opts.interByteTimeoutMs ?? 50;
    this.staleGapMs = opts.staleGapMs === undefined ? 2_000 : opts.staleGapMs;
    this.pending = Buffer.alloc(this.maxFrameBytes);
  }

  /** Feeds bytes received at `atMs` (monotonic ms); returns the frames they complete, in order. */
  push(chunk: Uint8Array, atMs: number): Buffer[] {
    const frames = this.flushIdle(atMs);
    if (chunk.length === 0) return frames;
    this.count.bytes += chunk.length;
    this.lastByteAt = atMs;
    for (const byte of chunk) this.take(byte, frames);
    return frames;
  }

  /**
   * Ends what a pause ends: the pending frame in mode 'none', a stale partial frame otherwise.
   * The driver calls it from a timer armed for idleDeadline().
   */
  flushIdle(atMs: number): Buffer[] {
    const frames: Buffer[] = [];
    if (!this.hasPartial() || this.lastByteAt === null) return frames;
    const idle = atMs - this.lastByteAt;
    if (this.suffix === 'none') {
      if (idle >= this.interByteTimeoutMs) this.endFrame(frames);
    } else if (this.staleGapMs !== null && idle >= this.staleGapMs) {
      if (!this.discarding) this.count.stale += 1;
      this.clearPartial();
    }
    return frames;
  }

  /** When flushIdle() would next act (monotonic ms), or null when nothing is pending. */
  idleDeadline(): number | null {
    if (!this.hasPartial() || this.lastByteAt === null) return null;
    if (this.suffix === 'none') return this.lastByteAt + this.interByteTimeoutMs;
    return this.staleGapMs === null ? null : this.lastByteAt + this.staleGapMs;
  }

  /** Drops any partial frame, e.g. after a reconnect: bytes from before it belong to nothing. */
  reset(): void {
    this.clearPartial();
    this.lastByteAt = null;
  }

  get pendingBytes(): number {
    return this.length + (this.heldCr ? 1 : 0);
  }

  counters(): LineFramerCounters {
    return { ...this.count };
  }

  private take(byte: number, frames: Buffer[]): void {
    switch (this.suffix) {
      case 'cr':
        if (byte === CR) this.endFrame(frames);
        else this.store(byte);
        return;
      case 'lf':
        if (byte === LF) this.endFrame(frames);
        else this.store(byte);
        return;
      case 'crlf':
        if (this.heldCr) {
          this.heldCr = false;
          if (byte === LF) {
            this.endFrame(frames);
            return;
          }
          this.store(CR); // a lone CR is data
        }
        if (byte === CR) this.heldCr = true;
        else this.store(byte);
        return;
      case 'none':
        this.store(byte);
        return;
    }
  }

  private store(byte: number): void {
    if (this.discarding) return;
    if (this.length === this.maxFrameBytes) {
      this.count.oversize += 1;
      this.discarding = true;
      this.length = 0;
      return;
    }
    this.pending[this.length] = byte;
    this.length += 1;
  }

  private endFrame(frames: Buffer[]): void {
    if (this.discarding) {
      this.clearPartial();
      return;
    }
    if (this.length === 0) {
      this.count.empty += 1;
      this.clearPartial();
      return;
    }
    let frame = Buffer.from(this.pending.subarray(0, this.length));
    if (this.prefix) {
      if (frame.subarray(0, this.prefix.length).equals(this.prefix)) frame = frame.subarray(this.prefix.length);
      else this.count.missingPrefix += 1;
    }
    this.clearPartial();
    if (frame.length === 0) {
      this.count.empty += 1;
      return;
    }
    this.count.frames += 1;
    frames.push(frame);
  }

  private hasPartial(): boolean {
    return this.length > 0 || this.discarding || this.heldCr;
  }

  private clearPartial(): void {
    this.length = 0;
    this.discarding = false;
    this.heldCr = false;
  }
}

export type FrameDecoding = { ok: true; text: string } | { ok: false; reason: 'invalid-utf8' | 'control-bytes' };

/**
 * Control bytes a code may legitimately carry: TAB and the ISO/IEC 15434 envelope separators
 * (EOT, FS, GS, RS) that GS1 and transport-label codes use. Any other C0 byte or DEL in a frame
 * means line noise or a wrong baud rate.
 */
const ALLOWED_CONTROL = new Set([0x04, 0x09, 0x1c, 0x1d, 0x1e]);
// ignoreBOM keeps a leading BOM in the text instead of silently eating it (byte-exact).
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Turns a frame into code text, or says why it is garbage. */
export function decodeLineFrame(frame: Uint8Array): FrameDecoding {
  for (const byte of frame) {
    if ((byte < 0x20 || byte === 0x7f) && !ALLOWED_CONTROL.has(byte)) return { ok: false, reason: 'control-bytes' };
  }
  try {
    return { ok: true, text: utf8.decode(frame) };
  } catch {
    return { ok: false, reason: 'invalid-utf8' };
  }
}
