/**
 * Splits a byte stream into newline-terminated lines, refusing any line longer than maxBytes
 * before it is complete, so a client cannot make the daemon buffer without bound.
 */
export type LineReaderResult = { lines: Buffer[]; overflow: boolean };

const NEWLINE = 0x0a;

export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Complete lines in this chunk (without "\n" or a trailing "\r"); overflow ends the stream. */
  push(chunk: Buffer): LineReaderResult {
    const lines: Buffer[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      const piece = chunk.subarray(start, nl);
      if (this.pendingBytes + piece.length > this.maxBytes) return this.overflow(lines);
      let line = this.pending.length ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      lines.push(line);
      start = nl + 1;
    }
    const tail = chunk.subarray(start);
    if (tail.length > 0) {
      if (this.pendingBytes + tail.length > this.maxBytes) return this.overflow(lines);
      // Copy: the chunk's memory belongs to the socket and may be reused.
      this.pending.push(Buffer.from(tail));
      this.pendingBytes += tail.length;
    }
    return { lines, overflow: false };
  }

  private overflow(lines: Buffer[]): LineReaderResult {
    this.pending = [];
    this.pendingBytes = 0;
    return { lines, overflow: true };
  }
}
