import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ListVersion } from '../store/lists/list-store.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { LaneStateInfo } from './availability.js';
import type { LaneTopics } from './topics.js';
import { isoOf } from './wire/common.js';
import type { TelemetryMessage } from './wire/up-messages.js';

/** What the periodic telemetry message is made of; MqttLink supplies each part. */
export interface TelemetrySources {
  topics: LaneTopics;
  clock: Clock;
  log: Logger;
  intervalSeconds: number;
  laneState(): LaneStateInfo;
  birth(): number;
  counters(): Record<string, number>;
  outbox(): TelemetryMessage['outbox'];
  lists(): ListVersion[];
  /**
   * Publishes at QoS 0 without retain; returns false when not connected (the sample is skipped:
   * telemetry is a reading, not a record, so it never goes through the outbox or waits).
   */
  publish(topic: string, text: string): boolean;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Process figures over one interval: CPU time as % of one core, memory, event-loop delay. The
 * delay histogram is the same kind of measurement the watchdog makes; this one is reset every
 * interval so the message says how the last interval went, not the whole uptime.
 */
export class ProcessSampler {
  private readonly lag: IntervalHistogram;
  private lastCpu = process.cpuUsage();
  private lastAt: number;

  constructor(private readonly clock: Clock) {
    this.lag = monitorEventLoopDelay({ resolution: 20 });
    this.lag.enable();
    this.lastAt = clock.monotonic();
  }

  sample(): TelemetryMessage['process'] {
    const now = this.clock.monotonic();
    const cpu = process.cpuUsage(this.lastCpu);
    const wallUs = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    // The histogram reads in ns; with no sample yet (a very short interval) it reports NaN/huge.
    const ms = (ns: number): number => (Number.isFinite(ns) && ns < 3.6e12 ? round1(ns / 1e6) : 0);
    const lag = { p50: ms(this.lag.percentile(50)), p99: ms(this.lag.percentile(99)), max: ms(this.lag.max) };
    this.lag.reset();
    return { cpuPercent: round1(((cpu.user + cpu.system) / wallUs) * 100), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, eventLoopLagMs: lag };
  }

  stop(): void {
    this.lag.disable();
  }
}

/** Sends a telemetry message every `intervalSeconds` while running (QoS 0). */
export class Telemetry {
  private timer: TimerHandle | null = null;
  private sampler: ProcessSampler | null = null;
  private startedAt = 0;
  /** Samples not sent because the link was down at the time. */
  skipped = 0;
  sent = 0;

  constructor(private readonly src: TelemetrySources) {}

  start(): void {
    if (this.timer !== null || this.src.intervalSeconds <= 0) return;
    this.startedAt = this.src.clock.monotonic();
    this.sampler = new ProcessSampler(this.src.clock);
    this.timer = this.src.clock.setInterval(() => this.tick(), this.src.intervalSeconds * 1000);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.sampler?.stop();
    this.sampler = null;
  }

  /** Builds and sends one message now (also used by the interval). */
  tick(): TelemetryMessage | null {
    if (this.sampler === null) return null;
    try {
      const message = this.build(this.sampler);
      if (this.src.publish(this.src.topics.telemetry, JSON.stringify(message))) this.sent += 1;
      else this.skipped += 1;
      return message;
    } catch (err) {
      this.src.log.warn({ err }, 'telemetry not sent');
      return null;
    }
  }

  private build(sampler: ProcessSampler): TelemetryMessage {
    const { clock, topics } = this.src;
    const now = clock.now();
    const state = this.src.laneState();
    const lists: TelemetryMessage['lists'] = {};
    for (const v of this.src.lists()) {
      lists[v.list] = { version: v.version, rows: v.rowCount, ageSeconds: v.version === 0 ? null : Math.max(0, Math.floor((now - v.updatedAt) / 1000)) };
    }
    return {
      v: 1,
      site: topics.id.site,
      lane: topics.id.lane,
      at: isoOf(now),
      intervalSeconds: this.src.intervalSeconds,
      uptimeSeconds: Math.max(0, Math.floor((clock.monotonic() - this.startedAt) / 1000)),
      birth: this.src.birth(),
      mode: state.mode,
      health: { summary: state.summary, devices: state.devices },
      counters: this.src.counters(),
      outbox: this.src.outbox(),
      process: sampler.sample(),
      lists,
    };
  }
}
