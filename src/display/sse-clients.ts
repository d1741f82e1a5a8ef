import type { ServerResponse } from 'node:http';

/** Formats one Server-Sent Event. `data` must be a single line (JSON.stringify output is). */
export function sseFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/**
 * The open /events streams. A screen that stops reading (a hung kiosk browser) must not make the daemon
 * buffer without bound: a client whose unsent backlog passes `maxBacklogBytes` is dropped and its
 * EventSource reconnects and gets the current state afresh, which is all it needs.
 */
export class SseClients {
  private readonly clients = new Set<ServerResponse>();

  constructor(private readonly maxBacklogBytes: number) {}

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse): void {
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** Writes a frame to one client: 'gone' if it had already closed, 'dropped' if it was too slow. */
  write(res: ServerResponse, frame: string): 'sent' | 'gone' | 'dropped' {
    if (res.destroyed || res.writableEnded) {
      this.clients.delete(res);
      return 'gone';
    }
    if (res.writableLength > this.maxBacklogBytes) {
      this.clients.delete(res);
      res.destroy();
      return 'dropped';
    }
    res.write(frame);
    return 'sent';
  }

  /** Returns how many clients were dropped as too slow. */
  broadcast(frame: string): number {
    let dropped = 0;
    for (const res of [...this.clients]) if (this.write(res, frame) === 'dropped') dropped += 1;
    return dropped;
  }

  closeAll(): void {
    for (const res of this.clients) res.destroy();
    this.clients.clear();
  }
}
