import type { MqttClient } from 'mqtt';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { RateLimiter } from '../rate-limiter.js';
import type { SyncStore } from '../store-port.js';
import type { SyncTuning } from '../sync-tuning.js';
import type { LaneIdentity } from '../topics.js';
import { DeliveredMarks } from './delivered-marks.js';
import { EventEnvelope } from './event-envelope.js';
import { OutboxReader, type SendRow } from './outbox-reader.js';

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
  /** A passage event was acknowledged by the broker (the event message text): evidence by policy. */
  onPassageAcked?(eventText: string): void;
}

const PASSAGE_TOPIC = 'event/passage';

interface AckedRow {
  seq: number;
  bytes: number;
}

/** The order a stream sends in, for the watermark: how far each has got on this connection. */
type Stream = 'live' | 'backlog';

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
 * the backlog only on PUBACK, through the lane's delivered WATERMARK: the highest seq at or below
 * which every row was sent on this connection and acknowledged. It is computed from what is known
 * in memory (how far each stream has sent, the lowest seq still in flight, the lowest refused one)
 * and committed with one single-row UPDATE every ackFlushMs or readBatch acks. PUBACKs above it
 * (out of order, or behind a refused row) are held in memory until it passes them; a crash before
 * that only means those rows are sent again, which QoS 1 allows and the id de-duplicates. When a
 * connection ends, the held ones are marked row by row instead. The next connection starts again
 * from the oldest undelivered row.
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
  private live: SendRow[] = [];
  private livePos = 0;
  private backlog: SendRow[] = [];
  private backlogPos = 0;
  private reader: OutboxReader | null = null;
  private unlimited = false;
  private readonly limiter: RateLimiter;
  /** Acknowledged on this connection, above the committed watermark (seq -> payload bytes). */
  private readonly acked = new Map<number, number>();
  private acksSinceFlush = 0;
  /** Acknowledged on an earlier connection (late): marked row by row at the next flush. */
  private lateAcks: AckedRow[] = [];
  /** The committed watermark: every row of the lane up to it is delivered. */
  private watermark = 0;
  /** Highest seq each stream has sent (or skipped as in flight / already acked) on this connection. */
  private backlogSentThrough = 0;
  private liveSentThrough = 0;
  /** Lowest seq whose publish was refused since the last rewind: the watermark stays below it. */
  private refusedMin = Number.POSITIVE_INFINITY;
  private marks: DeliveredMarks | null = null;
  /** Seqs whose publish failed, counted on their rows at the next flush. */
  private attempted: number[] = [];
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
    this.reader = new OutboxReader(this.opts.store.database, this.opts.store.outbox.lane, this.envelope.head);
    this.generation += 1;
    this.window = Math.max(1, Math.min(this.opts.tuning.maxInflight, receiveMaximum));
    this.watermark = this.opts.store.outbox.watermark();
    this.acked.clear();
    this.refusedMin = Number.POSITIVE_INFINITY;
    this.liveFrom = Math.max(this.maxSeq(), this.watermark);
    this.liveCursor = this.liveSentThrough = this.liveFrom;
    this.backlogCursor = this.backlogSentThrough = this.watermark;
    this.backlogDone = false;
    this.pollTimer = this.opts.clock.setInterval(() => this.pump(true), POLL_MS);
    this.pump(true);
  }

  /** The connection is gone: forget in-flight and buffered rows (they stay undelivered), commit the acks. */
  detach(): void {
    // Commit what the watermark covers while the in-flight set still says what is unacknowledged;
    // acks it cannot cover yet are marked row by row, so a reconnect does not send them again.
    if (this.client !== null) this.flush();
    for (const [seq, bytes] of this.acked) this.lateAcks.push({ seq, bytes });
    this.acked.clear();
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
      this.publish(this.live[this.livePos++]!, 'live');
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
      if (this.inflight.has(row[0]) || this.acked.has(row[0])) {
        // After a rewind: still awaiting its PUBACK, or already acknowledged above the watermark.
        this.backlogPos += 1;
        this.backlogSentThrough = row[0];
        continue;
      }
      if (!this.unlimited && !this.limiter.take(clock.monotonic())) {
        this.schedulePump(Math.max(1, this.limiter.waitMs(clock.monotonic())));
        return;
      }
      this.backlogPos += 1;
      this.publish(row, 'backlog');
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

  private publish(row: SendRow, stream: Stream): void {
    const client = this.client;
    if (client === null) return;
    const generation = this.generation;
    const seq = row[0];
    const bytes = row[3];
    this.inflight.set(seq, bytes);
    if (stream === 'live') this.liveSentThrough = seq;
    else this.backlogSentThrough = seq;
    this.counters.published += 1;
    client.publish(this.envelope.topicOf(row[1]), row[2], QOS1, (err) => {
      if (err) {
        // Connection closed or the broker refused (PUBACK reason >= 0x80): the row stays pending,
        // and the failed try is counted on it (lanectl outbox shows rows that keep failing).
        this.counters.failed += 1;
        this.attempted.push(seq);
        this.scheduleFlush();
        if (generation === this.generation && this.client !== null) {
          this.refusedMin = Math.min(this.refusedMin, seq);
          this.inflight.delete(seq);
          this.lastError = err.message;
          this.opts.log.warn({ seq, reason: err.message }, 'publish refused; the row is sent again shortly');
          this.scheduleRewind();
        }
        return;
      }
      if (row[1] === PASSAGE_TOPIC) this.opts.onPassageAcked?.(row[2]);
      if (generation !== this.generation || this.client === null) {
        // From a connection that has ended (or during stop): its stream positions are gone, so
        // this row cannot join the watermark; it is marked on its own.
        this.lateAcks.push({ seq, bytes });
        if (this.stopped) this.flush();
        else this.scheduleFlush();
        return;
      }
      this.acked.set(seq, bytes);
      this.inflight.delete(seq);
      // Refill when a quarter of the window is free, not per PUBACK: the refill then goes out
      // as one batch of writes instead of one small socket write per acknowledged message.
      if (this.inflight.size <= this.window - Math.max(1, this.window >> 2)) this.pumpSoon();
      // Commit at once when a batch is full or nothing is in flight any more (the end of a burst,
      // or a single live event): waiting for the timer then only delays what lanectl shows.
      if (++this.acksSinceFlush >= this.opts.tuning.readBatch || this.inflight.size === 0) this.flush();
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
      this.liveSentThrough = this.liveFrom;
      this.live = [];
      this.livePos = 0;
      this.backlog = [];
      this.backlogPos = 0;
      // From the watermark on, everything not acknowledged is sent again in order, so the refused
      // row is behind the backlog's position again and no longer needs its own bound.
      this.backlogCursor = this.backlogSentThrough = this.watermark;
      this.refusedMin = Number.POSITIVE_INFINITY;
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

  /**
   * Highest seq that every row up to is acknowledged: each stream sends in seq order, so up to the
   * point the backlog has sent (all of the backlog once it is done, and then up to the point the
   * live stream has sent), minus anything still in flight or refused below that.
   */
  private reachableWatermark(): number {
    let w = this.backlogDone ? this.liveSentThrough : this.backlogSentThrough;
    if (this.refusedMin <= w) w = this.refusedMin - 1;
    for (const seq of this.inflight.keys()) if (seq <= w) w = seq - 1;
    return w;
  }

  /** Commits the watermark, late acks row by row, and failed-attempt counts collected so far. */
  flush(): void {
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.acksSinceFlush = 0;
    const attempted = this.attempted;
    const late = this.lateAcks;
    this.attempted = [];
    this.lateAcks = [];
    const target = this.client === null ? this.watermark : this.reachableWatermark();
    if (attempted.length === 0 && late.length === 0 && target <= this.watermark) return;
    const { outbox, database } = this.opts.store;
    this.marks ??= new DeliveredMarks(database, outbox);
    const marks = this.marks;
    const now = this.opts.clock.now();
    try {
      // Failed attempts are rare (a lost connection): their own small transaction.
      if (attempted.length > 0) marks.markAttempts(attempted, now);
      const covered: AckedRow[] = [];
      if (target > this.watermark) {
        marks.advance(target, now);
        this.watermark = target;
        for (const [seq, bytes] of this.acked) {
          if (seq > target) continue;
          covered.push({ seq, bytes });
          this.acked.delete(seq);
        }
      }
      const lateMarked = late.length > 0 ? marks.mark(late.map((r) => r.seq), now) : 0;
      this.counters.delivered += covered.length + lateMarked;
      const reported = lateMarked > 0 ? covered.concat(late) : covered;
      if (reported.length > 0) this.opts.onDelivered?.(reported);
    } catch (err) {
      this.counters.markErrors += late.length;
      this.opts.log.error({ err, late: late.length }, 'delivered marks not written; unmarked rows will be sent again');
    }
  }
}
