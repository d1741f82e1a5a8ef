import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../util/clock.js';
import { LineReader } from './line-reader.js';
import { TokenBucket } from './token-bucket.js';

export interface ConnectionLimits {
  maxRequestBytes: number;
  idleTimeoutMs: number;
  ratePerSecond: number;
  rateBurst: number;
  /** Replies a client leaves unread before we drop it (it is not reading; we will not buffer). */
  maxUnreadReplyBytes: number;
}

export interface ConnectionHooks {
  /** Answers one request line with one encoded reply line; must not throw. */
  serve(line: string, rateLimited: boolean): Promise<string>;
  /** The encoded too_large reply for an oversized line (the connection is closed after it). */
  tooLargeReply(): string;
  onClose(): void;
}

/** Above this many queued lines we stop reading the socket until the queue drains. */
const QUEUE_HIGH_WATER = 16;

type QueueItem = { kind: 'line'; text: string; limited: boolean } | { kind: 'too_large' };

/**
 * One client of the control socket. Requests are answered one at a time, in order. The
 * rate limit is checked when a line arrives, not when it is served, so a client that floods
 * cannot hide behind a slow command.
 */
export class ControlConnection {
  private readonly reader: LineReader;
  private readonly bucket: TokenBucket;
  private readonly queue: QueueItem[] = [];
  private pumping = false;
  private closing = false;
  private idleTimer: TimerHandle | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock,
    private readonly hooks: ConnectionHooks,
  ) {
    this.reader = new LineReader(limits.maxRequestBytes);
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst, clock.monotonic());
  }

  start(): void {
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A client vanishing mid-reply is normal (lanectl killed by ^C): nothing to report.
    this.socket.on('error', () => this.destroy());
    this.socket.on('close', () => {
      this.closing = true;
      this.idleTimer?.cancel();
      this.idleTimer = null;
      this.queue.length = 0;
      this.hooks.onClose();
    });
    this.armIdleTimer();
  }

  destroy(): void {
    this.closing = true;
    this.idleTimer?.cancel();
    this.idleTimer = null;
    this.socket.destroy();
  }

  private armIdleTimer(): void {
    this.idleTimer?.cancel();
    this.idleTimer = this.clock.setTimeout(() => this.destroy(), this.limits.idleTimeoutMs);
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.armIdleTimer();
    const { lines, overflow } = this.reader.push(chunk);
    for (const line of lines) {
      const text = line.toString('utf8');
      if (text.trim() === '') continue; // blank lines are keep-alives, not requests
      this.queue.push({ kind: 'line', text, limited: !this.bucket.take(this.clock.monotonic()) });
    }
    if (overflow) {
      this.queue.push({ kind: 'too_large' });
      // Nothing after an oversized line can be trusted to start at a line boundary.
      this.closing = true;
      this.socket.pause();
    } else if (this.queue.length >= QUEUE_HIGH_WATER) {
      this.socket.pause();
    }
    // serve() never rejects; should anything else here fail, lose this client, not the daemon.
    this.pump().catch(() => this.destroy());
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        if (this.socket.destroyed) return;
        if (item.kind === 'too_large') {
          this.socket.end(this.hooks.tooLargeReply(), () => this.destroy());
          return;
        }
        const reply = await this.hooks.serve(item.text, item.limited);
        this.write(reply);
        if (!this.closing && this.queue.length < QUEUE_HIGH_WATER / 2 && this.socket.isPaused()) this.socket.resume();
      }
    } finally {
      this.pumping = false;
    }
  }

  private write(reply: string): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(reply);
    if (this.socket.writableLength > this.limits.maxUnreadReplyBytes) this.destroy();
  }
}
