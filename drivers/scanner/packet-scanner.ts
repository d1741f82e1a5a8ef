/**
 * Finds length-prefixed, checksummed packets in a serial byte stream: Zebra SSI, UHFReader18 and
 * R2000 frames all have this shape. Pure (time is passed in) and bounded in memory.
 *
 * A serial line gives no packet boundaries, so after noise the scanner must find the next real packet
 * without trusting the noise: it skips one byte at a time, and while a noise byte claims a long packet
 * it also looks further into the buffer for a complete packet that checks out. Skipped bytes form one
 * "episode", reported once when the next good packet arrives (or the line goes quiet):
 * - `bad-checksum`: exactly one well-framed packet whose checksum is wrong;
 * - `garbage`: bytes that frame nothing (noise, a wrong baud rate);
 * - `partial`: a packet cut off and followed by silence (an unplug or a stall mid-packet);
 * - `oversize`: a header announcing a packet longer than maxSize (its bytes are skipped as noise).
 */
export interface PacketFormat<P> {
  /** Smallest and largest total packet size in bytes. */
  readonly minSize: number;
  readonly maxSize: number;
  /** Total size of a packet starting at buf[at]; 'no' if none can start there; 'more' if the header is incomplete. */
  sizeAt(buf: Buffer, at: number): number | 'no' | 'more';
  /** A complete candidate (exactly one packet's bytes) if its checksum and shape are right, else null. */
  parse(bytes: Buffer): P | null;
}

export interface PacketDrop {
  reason: 'bad-checksum' | 'garbage' | 'partial' | 'oversize';
  length: number;
}

export interface PacketScanResult<P> {
  packets: P[];
  dropped: PacketDrop[];
  /**
   * Complete packets whose checksum failed in this push, counted the moment they fail (their drop is
   * reported when the episode ends): protocols that acknowledge packets NAK at once.
   */
  rejected: number;
}

export interface PacketScannerOptions {
  /** A partial packet or open noise episode followed by this much silence is dropped. Default 500 ms. */
  staleGapMs?: number;
}

type Opener = { kind: 'checksum'; size: number } | { kind: 'oversize' } | null;

interface Episode {
  skipped: number;
  /** What started the episode: a complete candidate that failed its checks, or an oversize header. */
  opener: Opener;
}

export class PacketScanner<P> {
  private readonly format: PacketFormat<P>;
  private readonly staleGapMs: number;
  private buf: Buffer = Buffer.alloc(0);
  private episode: Episode | null = null;
  private lastByteAt: number | null = null;
  private rejectedNow = 0;

  constructor(format: PacketFormat<P>, opts: PacketScannerOptions = {}) {
    this.format = format;
    this.staleGapMs = opts.staleGapMs ?? 500;
  }

  push(chunk: Uint8Array, atMs: number): PacketScanResult<P> {
    const result = this.flushIdle(atMs);
    if (chunk.length === 0) return result;
    this.lastByteAt = atMs;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    this.scan(result);
    // Memory bound: more pending bytes than two packets can only be noise.
    const limit = this.format.maxSize * 2;
    if (this.buf.length > limit) this.skip(this.buf.length - limit, null);
    result.rejected = this.rejectedNow;
    this.rejectedNow = 0;
    return result;
  }

  /** Drops a partial packet or closes a noise episode once the line has been quiet for staleGapMs. */
  flushIdle(atMs: number): PacketScanResult<P> {
    const result: PacketScanResult<P> = { packets: [], dropped: [], rejected: 0 };
    if (this.lastByteAt === null || !this.hasPending()) return result;
    if (atMs - this.lastByteAt < this.staleGapMs) return result;
    if (this.buf.length > 0) {
      if (this.episode) this.skip(this.buf.length, null);
      else {
        result.dropped.push({ reason: 'partial', length: this.buf.length });
        this.buf = Buffer.alloc(0);
      }
    }
    this.closeEpisode(result);
    return result;
  }

  idleDeadline(): number | null {
    if (this.lastByteAt === null || !this.hasPending()) return null;
    return this.lastByteAt + this.staleGapMs;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.episode = null;
    this.lastByteAt = null;
  }

  get pendingBytes(): number {
    return this.buf.length;
  }

  private hasPending(): boolean {
    return this.buf.length > 0 || this.episode !== null;
  }

  private scan(result: PacketScanResult<P>): void {
    while (this.buf.length > 0) {
      const size = this.sizeAt(0);
      if (typeof size === 'number' && size > this.format.maxSize) {
        this.skip(1, { kind: 'oversize' });
        continue;
      }
      if (size === 'no') {
        this.skip(1, null);
        continue;
      }
      if (size === 'more') {
        if (!this.skipToLaterPacket()) return;
        continue;
      }
      if (this.buf.length >= size) {
        const packet = this.format.parse(this.buf.subarray(0, size));
        if (packet !== null) {
          this.closeEpisode(result);
          result.packets.push(packet);
          this.buf = this.buf.subarray(size);
        } else {
          if (!this.episode) this.rejectedNow += 1;
          this.skip(1, { kind: 'checksum', size });
        }
        continue;
      }
      // Incomplete: real packet still arriving, or a noise byte claiming a long packet.
      if (!this.skipToLaterPacket()) return;
    }
  }

  /** Skips to a complete valid packet further on, if there is one; false when none is there yet. */
  private skipToLaterPacket(): boolean {
    for (let at = 1; at + this.format.minSize <= this.buf.length; at += 1) {
      const size = this.sizeAt(at);
      if (typeof size !== 'number' || size > this.format.maxSize || at + size > this.buf.length) continue;
      if (this.format.parse(this.buf.subarray(at, at + size)) !== null) {
        this.skip(at, null);
        return true;
      }
    }
    return false;
  }

  private sizeAt(at: number): number | 'no' | 'more' {
    const size = this.format.sizeAt(this.buf, at);
    if (typeof size === 'number' && size < this.format.minSize) return 'no';
    return size;
  }

  private skip(bytes: number, opener: Opener): void {
    if (!this.episode) this.episode = { skipped: 0, opener };
    this.episode.skipped += bytes;
    this.buf = this.buf.subarray(bytes);
  }

  private closeEpisode(result: PacketScanResult<P>): void {
    const episode = this.episode;
    if (!episode) return;
    this.episode = null;
    const { opener } = episode;
    let reason: PacketDrop['reason'] = 'garbage';
    if (opener?.kind === 'oversize') reason = 'oversize';
    else if (opener?.kind === 'checksum' && episode.skipped === opener.size) reason = 'bad-checksum';
    result.dropped.push({ reason, length: episode.skipped });
  }
}
