import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

/**
 * Minimal HTTP client for the display tests: no connection pooling (agent: false), so the leak check
 * sees exactly the sockets the server under test left open, and the raw request target is sent as
 * given (fetch and URL would normalise `/../` away before it reached the server).
 */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function httpRequest(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface SseEvent {
  event: string;
  data: string;
}

/** An open /events stream that collects parsed events and lets a test wait for the next one. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  ended = false;
  private buffer = '';
  private waiters: Array<() => void> = [];
  private res: IncomingMessage | null = null;
  private readonly req;

  private constructor(port: number) {
    this.req = request({ host: '127.0.0.1', port, path: '/events', agent: false });
  }

  static open(port: number): Promise<SseReader> {
    const reader = new SseReader(port);
    return new Promise((resolve, reject) => {
      reader.req.on('response', (res) => {
        reader.res = res;
        reader.status = res.statusCode ?? 0;
        reader.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (text: string) => reader.feed(text));
        res.on('end', () => reader.finish());
        res.on('close', () => reader.finish());
        res.on('error', () => reader.finish());
        resolve(reader);
      });
      reader.req.on('error', reject);
      reader.req.end();
    });
  }

  /** Resolves with the first event at index >= `from` named `name`; rejects if the stream ends first. */
  async next(name: string, from = 0): Promise<SseEvent & { index: number }> {
    for (;;) {
      const index = this.events.findIndex((e, i) => i >= from && e.event === name);
      if (index !== -1) return { ...this.events[index]!, index };
      if (this.ended) throw new Error(`stream ended before a "${name}" event`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async waitEnd(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.req.destroy();
    this.res?.destroy();
  }

  private feed(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end === -1) break;
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) this.events.push({ event, data: data.join('\n') });
    }
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
