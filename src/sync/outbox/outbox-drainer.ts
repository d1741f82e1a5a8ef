import type { MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { RateLimiter } from '../rate-limiter.js';
import type { SyncStore } from '../store-port.js';
import type { SyncTuning } from '../sync-tuning.js';
import type { LaneIdentity } from '../topics.js';
import { DeliveredMarks } from './delivered-marks.js';
import { EventEnvelope } from './event-envelope.js';
import { OutboxReader, type DrainRow } from './outbox-reader.js';

export interface DrainCounters {
  published: number;
  delivered: number;
  /** Publishes that failed (connection lost before PUBACK, or a PUBACK with an error code). */
  failed: number;
  /** Delivered marks that could not be written (the rows will be sent again). */
  markErrors: number;
}

export interface DrainerOptions {
  id: LaneIdentity;
  store: SyncStore;
  clock: Clock;
  tuning: SyncTuning;
  log: Logger;
  /** Called after delivered marks are committed (the link updates its backlog meter). */
  onDelivered?(rows: readonly { seq: number; bytes: number }[]): void;
}

interface AckedRow {
  seq: number;
  bytes: number;
}

/** New live rows are looked for this often while connected (and at once on kick()). */
const POLL_MS = 250;
/** Pause before rows refused by the broker are sent again. */
const REWIND_MS = 5_000;
/** mqtt.js copies the options; one shared object saves an allocation per message. */
const QOS1 = Object.freeze({ qos: 1 as const });

/**
 * Sends the outbox over one connection at a time. Two streams, each in seq order:
 *
 * - live: rows committed after this connection came up, sent as soon as they are seen (at the
 *   next poll, or at once when the lane calls kick() after a commit);
 * - backlog: rows that were waiting when the connection came up, paced by a token bucket
 *   (drainRatePerSecond) so a long backlog never delays a live passage by more than one window.
 *
 * Every message carries its seq, so the central system restores the total order. A row leaves
 * the backlog only on PUBACK: delivered marks are collected and committed together every
 * ackFlushMs (a crash before the commit only means those rows are sent again, which QoS 1 allows
 * and the id de-duplicates). On disconnect the in-flight set is forgotten and the next
 * connection starts again from the oldest undelivered row.
 *
 * Rows are read in batches into memory; a PUBACK only sends the next buffered row (no query),
 * which keeps the drain close to a bare publish loop.
 */
export class OutboxDrainer {
  readonly counters: DrainCounters = { published: 0, delivered: 0, failed: 0, markErrors: 0 };
  /** Last publish refusal while connected, for health. */
  lastError: string | null = null;
  private client: MqttClient | null = null;
  private generation = 0;
  private window = 1;
  /** seq -> row size, for rows published and not yet acknowledged on this connection. */
  private readonly inflight = new Map<number, number>();
  private liveFrom = 0;
  private liveCursor = 0;
  private backlogCursor = 0;
  private backlogDone = false;
  private live: DrainRow[] = [];
  private livePos = 0;
  private backlog: DrainRow[] = [];
  private backlogPos = 0;
  private reader: OutboxReader | null = null;
  private unlimited = false;
  private readonly limiter: RateLimiter;
  private ackedRows: AckedRow[] = [];
  private marks: DeliveredMarks | null = null;
  private attempted: string[] = [];
  private flushTimer: TimerHandle | null = null;
  private pumpTimer: TimerHandle | null = null;
  private pollTimer: TimerHandle | null = null;
  private rewindTimer: TimerHandle | null = null;
  private liveMaybeMore = false;
  private pumpQueued = false;
  private pumping = false;
  private stopped = false;

  private readonly envelope: EventEnvelope;

  constructor(private readonly opts: DrainerOptions) {
    this.envelope = new EventEnvelope(opts.id);
    this.limiter = new RateLimiter(opts.tuning.drainRatePerSecond, opts.tuning.drainBurst, opts.clock.monotonic());
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Whether rows that were waiting at connect time are still being sent. */
  get catchingUp(): boolean {
    return this.client !== null && !this.backlogDone;
  }

  /** Starts draining over a freshly connected client. */
  attach(client: MqttClient, receiveMaximum: number): void {
    this.detach();
    this.stopped = false;
    this.client = client;
    // The store may have been reopened since the last connection: fresh statements.
    this.marks = null;
    this.reader = new OutboxReader(this.opts.store.database, this.opts.store.outbox.lane);
    this.generation += 1;
    this.window = Math.max(1, Math.min(this.opts.tuning.maxInflight, receiveMaximum));
    this.liveFrom = this.maxSeq();
    this.liveCursor = this.liveFrom;
    this.backlogCursor = 0;
    this.backlogDone = false;
    this.pollTimer = this.opts.clock.setInterval(() => this.pump(true), POLL_MS);
    this.pump(true);
  }

  /** The connection is gone: forget in-flight and buffered rows (they stay undelivered), commit the acks. */
  detach(): void {
    this.client = null;
    this.inflight.clear();
    this.live = [];
    this.livePos = 0;
    this.liveMaybeMore = false;
    this.backlog = [];
    this.backlogPos = 0;
    for (const t of [this.pollTimer, this.pumpTimer, this.rewindTimer]) t?.cancel();
    this.pollTimer = this.pumpTimer = this.rewindTimer = null;
    this.unlimited = false;
    this.flush();
  }

  /** New rows were committed: look now instead of at the next poll. */
  kick(): void {
    this.pump(true);
  }

  /** sync-now: send the backlog without the rate limit until it is empty. */
  drainNow(): void {
    this.unlimited = true;
    this.pump(true);
  }

  stop(): void {
    this.stopped = true;
    this.detach();
    this.flushTimer?.cancel();
    this.flushTimer = null;
  }

  private maxSeq(): number {
    const row = this.opts.store.database.prepare('SELECT max(seq) FROM outbox WHERE lane = ?').pluck().get(this.opts.store.outbox.lane) as number | null;
    return row ?? 0;
  }

  /** `look`: also query for new live rows (poll, kick, attach); a PUBACK only sends from the buffers. */
  private pump(look: boolean): void {
    if (this.pumping || this.client === null || this.stopped) return;
    this.pumping = true;
    // Corked, the packets of one refill leave in one write.
    const stream = this.client.stream as { cork?(): void; uncork?(): void } | undefined;
    stream?.cork?.();
    try {
      if (look && this.livePos >= this.live.length) this.readLive();
      this.sendLive();
      this.sendBacklog();
    } catch (err) {
      this.opts.log.error({ err }, 'outbox drain step failed; retrying at the next poll');
    } finally {
      this.pumping = false;
      stream?.uncork?.();
    }
  }

  private room(): number {
    return this.window - this.inflight.size;
  }

  private readLive(): void {
    this.live = this.reader!.pending(this.liveCursor, this.opts.tuning.readBatch);
    this.livePos = 0;
    // A full batch means more rows may be waiting right behind it: read on without a poll.
    this.liveMaybeMore = this.live.length === this.opts.tuning.readBatch;
    const last = this.live[this.live.length - 1];
    if (last !== undefined) this.liveCursor = last[0];
  }

  private sendLive(): void {
    while (this.client !== null && this.room() > 0) {
      if (this.livePos >= this.live.length) {
        if (!this.liveMaybeMore) return;
        this.readLive();
        if (this.live.length === 0) return;
      }
      this.publish(this.live[this.livePos++]!);
    }
  }

  private sendBacklog(): void {
    const { clock } = this.opts;
    while (!this.backlogDone && this.client !== null && this.room() > 0) {
      if (this.backlogPos >= this.backlog.length) {
        this.backlog = this.reader!.pending(this.backlogCursor, this.opts.tuning.readBatch).filter((r) => r[0] <= this.liveFrom);
        this.backlogPos = 0;
        if (this.backlog.length === 0) {
          this.backlogDone = true;
          this.unlimited = false;
          this.opts.log.info({ upToSeq: this.liveFrom }, 'outbox backlog sent');
          return;
        }
        this.backlogCursor = this.backlog[this.backlog.length - 1]![0];
      }
      const row = this.backlog[this.backlogPos]!;
      if (this.inflight.has(row[0])) {
        this.backlogPos += 1; // sent again after a rewind and still awaiting its PUBACK
        continue;
      }
      if (!this.unlimited && !this.limiter.take(clock.monotonic())) {
        this.schedulePump(Math.max(1, this.limiter.waitMs(clock.monotonic())));
        return;
      }
      this.backlogPos += 1;
      this.publish(row);
    }
  }

  private pumpSoon(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump(false);
    });
  }

  private schedulePump(ms: number): void {
    if (this.pumpTimer !== null) return;
    this.pumpTimer = this.opts.clock.setTimeout(() => {
      this.pumpTimer = null;
      this.pump(false);
    }, ms);
  }

  private publish(row: DrainRow): void {
    const client = this.client;
    if (client === null) return;
    const generation = this.generation;
    const [seq, messageId] = row;
    const bytes = Buffer.byteLength(row[3]);
    this.inflight.set(seq, bytes);
    this.counters.published += 1;
    client.publish(this.envelope.topic(row), this.envelope.text(row), QOS1, (err) => {
      if (err) {
        // Connection closed or the broker refused (PUBACK reason >= 0x80): the row stays pending,
        // and the failed try is counted on it (lanectl outbox shows rows that keep failing).
        this.counters.failed += 1;
        this.attempted.push(messageId);
        this.scheduleFlush();
        if (generation === this.generation && this.client !== null) {
          this.inflight.delete(seq);
          this.lastError = err.message;
          this.opts.log.warn({ seq, reason: err.message }, 'publish refused; the row is sent again shortly');
          this.scheduleRewind();
        }
        return;
      }
      this.ackedRows.push({ seq, bytes });
      if (this.stopped) {
        this.flush(); // a late PUBACK during stop: record it now, no timer
        return;
      }
      if (generation === this.generation) {
        this.inflight.delete(seq);
        // Refill when a quarter of the window is free, not per PUBACK: the refill then goes out
        // as one batch of writes instead of one small socket write per acknowledged message.
        if (this.inflight.size <= this.window - Math.max(1, this.window >> 2)) this.pumpSoon();
      }
      // Commit at once when a batch is full or nothing is in flight any more (the end of a burst,
      // or a single live event): waiting for the timer then only delays what lanectl shows.
      if (this.ackedRows.length >= this.opts.tuning.readBatch || this.inflight.size === 0) this.flush();
      else this.scheduleFlush();
    });
  }

  /**
   * A publish failed while the connection stayed up: after a pause, everything not yet delivered
   * (and not in flight) is sent again from the oldest row, still paced as backlog.
   */
  private scheduleRewind(): void {
    if (this.rewindTimer !== null) return;
    this.rewindTimer = this.opts.clock.setTimeout(() => {
      this.rewindTimer = null;
      if (this.client === null) return;
      this.flush();
      this.liveFrom = Math.max(this.liveFrom, this.liveCursor);
      this.live = [];
      this.livePos = 0;
      this.backlog = [];
      this.backlogPos = 0;
      this.backlogCursor = 0;
      this.backlogDone = false;
      this.pump(false);
    }, REWIND_MS);
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    this.flushTimer = this.opts.clock.setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, this.opts.tuning.ackFlushMs);
  }

  /** Commits delivered marks and failed-attempt counts collected so far, in one transaction. */
  flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    const attempted = this.attempted;
    const rows = this.ackedRows;
    if (attempted.length === 0 && rows.length === 0) return;
    this.attempted = [];
    this.ackedRows = [];
    const { outbox, database } = this.opts.store;
    this.marks ??= new DeliveredMarks(database, outbox.lane);
    const marks = this.marks;
    try {
      // Failed attempts are rare (a lost connection): their own small transaction.
      if (attempted.length > 0) outbox.markAttempt(attempted);
      const delivered = marks.mark(rows.map((r) => r.seq), this.opts.clock.now());
      this.counters.delivered += delivered;
      if (rows.length > 0) this.opts.onDelivered?.(rows);
    } catch (err) {
      this.counters.markErrors += rows.length;
      this.opts.log.error({ err, rows: rows.length }, 'delivered marks not written; those rows will be sent again');
    }
  }
}
