import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { uuidv7 } from '../../util/ids.js';
import type { LaneIdentity } from '../topics.js';
import { isoOf } from '../wire/common.js';
import type { ResyncReason, ResyncRequest } from '../wire/up-messages.js';

/** The lists/resync message (schema: wire/up-messages.ts resyncRequestSchema). */
export function resyncMessage(id: LaneIdentity, list: string, haveVersion: number, reason: ResyncReason, detail: string, now: number): ResyncRequest {
  return { v: 1, site: id.site, lane: id.lane, id: uuidv7(now), list, haveVersion, reason, detail: detail.slice(0, 500), at: isoOf(now) };
}

interface Pending {
  reason: ResyncReason;
  detail: string;
  /** Monotonic ms of the last request sent (null: not sent yet, e.g. offline). */
  sentAt: number | null;
  /** Monotonic ms of the last snapshot chunk seen for this list. */
  progressAt: number | null;
  requests: number;
}

export interface ResyncOptions {
  clock: Clock;
  log: Logger;
  /** Sends one request now; false when it could not be sent (offline). */
  send(list: string, reason: ResyncReason, detail: string): boolean;
  /** Shortest time between two requests for one list. */
  minIntervalMs?: number;
  /** A request with no snapshot chunk for this long is sent again. */
  retryMs?: number;
}

/**
 * Paces requests for full snapshots: one per list at a time, sent again only when no chunk has
 * arrived for a while, kept while offline and sent after the next connect. A flood of bad deltas
 * therefore costs one request per list per minute, not one per message.
 */
export class ResyncRequests {
  private readonly pending = new Map<string, Pending>();
  private readonly minIntervalMs: number;
  private readonly retryMs: number;

  constructor(private readonly opts: ResyncOptions) {
    this.minIntervalMs = opts.minIntervalMs ?? 30_000;
    this.retryMs = opts.retryMs ?? 60_000;
  }

  /** Lists waiting for a snapshot. */
  lists(): string[] {
    return [...this.pending.keys()];
  }

  request(list: string, reason: ResyncReason, detail: string): void {
    const existing = this.pending.get(list);
    if (existing !== undefined) {
      // Already asked: a burst of gaps while the snapshot is coming must not re-ask each time.
      this.tick();
      return;
    }
    this.pending.set(list, { reason, detail, sentAt: null, progressAt: null, requests: 0 });
    this.trySend(list);
  }

  progress(list: string, done: boolean): void {
    if (done) {
      this.pending.delete(list);
      return;
    }
    const p = this.pending.get(list);
    if (p !== undefined) p.progressAt = this.opts.clock.monotonic();
  }

  /** Called periodically and after every connect: sends what is due. */
  tick(): void {
    const now = this.opts.clock.monotonic();
    for (const [list, p] of this.pending) {
      if (p.sentAt === null) {
        this.trySend(list);
        continue;
      }
      const lastActivity = Math.max(p.sentAt, p.progressAt ?? 0);
      if (now - lastActivity >= this.retryMs && now - p.sentAt >= this.minIntervalMs) {
        p.reason = p.progressAt === null ? p.reason : 'stalled-snapshot';
        this.trySend(list);
      }
    }
  }

  /** After a reconnect every pending request is sent again (the old one may have been lost). */
  resendAll(): void {
    for (const p of this.pending.values()) p.sentAt = null;
    this.tick();
  }

  private trySend(list: string): void {
    const p = this.pending.get(list);
    if (p === undefined) return;
    if (this.opts.send(list, p.reason, p.detail)) {
      p.sentAt = this.opts.clock.monotonic();
      p.requests += 1;
      this.opts.log.info({ list, reason: p.reason, requests: p.requests }, 'list resync requested');
    }
  }
}
