import { Writable } from 'node:stream';

/** A pino destination that keeps every line, parsed, so tests assert on fields, not on text. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const text of chunk.toString('utf8').split('\n')) {
      if (!text) continue;
      this.raw.push(text);
      this.lines.push(JSON.parse(text) as Record<string, unknown>);
    }
    done();
  }

  find(msg: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.msg === msg);
  }
}
