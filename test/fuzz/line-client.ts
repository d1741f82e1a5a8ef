import { connect, type Socket } from 'node:net';

/**
 * One long-lived control-socket connection for the server campaign: write a batch of request lines,
 * resolve with the next `count` reply lines. A fresh connection per case would make the campaign
 * measure connection setup (about 1 ms) rather than the server; the campaign still opens fresh
 * connections for a share of its cases. If the server hangs up, the pending batch fails (the campaign
 * reports it) and the next batch reconnects.
 */
export class LineClient {
  private socket: Socket | null = null;
  private buffer = '';
  private lines: string[] = [];
  private waiting: { count: number; resolve: (lines: string[]) => void; reject: (err: Error) => void } | null = null;

  constructor(private readonly socketPath: string) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.socketPath);
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        const w = this.waiting;
        this.waiting = null;
        w?.reject(new Error(`the server closed the connection with ${this.lines.length} of ${w.count} replies`));
      });
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('utf8');
    let nl = this.buffer.indexOf('\n');
    while (nl !== -1) {
      this.lines.push(this.buffer.slice(0, nl));
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
    }
    const w = this.waiting;
    if (w !== null && this.lines.length >= w.count) {
      this.waiting = null;
      const out = this.lines.splice(0, w.count);
      w.resolve(out);
    }
  }

  async exchange(payload: string, count: number): Promise<string[]> {
    if (this.waiting !== null) throw new Error('one batch at a time');
    if (this.socket === null) {
      this.buffer = '';
      this.lines = [];
      this.socket = await this.open();
    }
    const socket = this.socket;
    const replies = new Promise<string[]>((resolve, reject) => {
      this.waiting = { count, resolve, reject };
    });
    socket.write(payload);
    const out = await replies;
    // Nothing may arrive beyond the replies asked for: one reply per request line.
    if (this.lines.length > 0 || this.buffer.length > 0) throw new Error(`unexpected extra reply data: ${JSON.stringify(this.lines[0] ?? this.buffer).slice(0, 200)}`);
    return out;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}
