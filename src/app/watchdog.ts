import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { SystemdNotifier } from './systemd-notify.js';

/**
 * systemd's software watchdog (WatchdogSec= in the unit): WATCHDOG=1 every WATCHDOG_USEC/2,
 * but only while the daemon deserves it. A ping is withheld when the event loop lagged more
 * than maxEventLoopLagMs since the previous ping, or when isHealthy() says no; systemd then
 * restarts the lane (Restart=always). A withheld ping is therefore a restart request: keep
 * isHealthy() to failures a restart can cure.
 */
export interface WatchdogHealth {
  ok: boolean;
  reason?: string;
}

export interface SystemdWatchdogOptions {
  notifier: SystemdNotifier;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  isHealthy: () => WatchdogHealth;
  maxEventLoopLagMs: number;
  log: Logger;
  /** While pings stay withheld, repeat the explanation at most this often. Default 30 s. */
  withheldLogIntervalMs?: number;
  /** Sampling period of the event-loop delay histograms. Default 10 ms. */
  lagResolutionMs?: number;
  /** Replaces monitorEventLoopDelay (tests check the histograms are disabled on stop). */
  createLagHistogram?: (resolutionMs: number) => IntervalHistogram;
}

const DEFAULT_MAX_LAG_MS = 1_000;

export type WatchdogSchedule =
  | { enabled: true; timeoutUsec: number; intervalMs: number }
  | { enabled: false; reason: string; misconfigured: boolean };

/**
 * Reads WATCHDOG_USEC and WATCHDOG_PID the way sd_watchdog_enabled() does: the watchdog
 * applies to this process only when WATCHDOG_PID is absent or names it (a child that
 * inherited the variables must not ping on the parent's behalf).
 */
export function watchdogScheduleFromEnv(env: NodeJS.ProcessEnv, pid: number = process.pid): WatchdogSchedule {
  const usecText = env.WATCHDOG_USEC;
  if (usecText === undefined || usecText === '') {
    return { enabled: false, reason: 'WATCHDOG_USEC is not set', misconfigured: false };
  }
  if (!/^\d+$/.test(usecText) || Number(usecText) <= 0 || !Number.isSafeInteger(Number(usecText))) {
    return { enabled: false, reason: `WATCHDOG_USEC="${usecText}" is not a positive integer`, misconfigured: true };
  }
  const pidText = env.WATCHDOG_PID;
  if (pidText !== undefined && pidText !== '' && pidText !== String(pid)) {
    return { enabled: false, reason: `WATCHDOG_PID=${pidText} is not this process (${pid})`, misconfigured: false };
  }
  const timeoutUsec = Number(usecText);
  return { enabled: true, timeoutUsec, intervalMs: Math.max(1, Math.floor(timeoutUsec / 2_000)) };
}

export interface WatchdogStatus {
  enabled: boolean;
  intervalMs: number | null;
  pings: number;
  withheld: number;
  /** Why the last ping was withheld, while pings are being withheld; null when healthy. */
  withholding: string | null;
  /** Event-loop lag (max, ms) seen at the last tick. */
  lastLagMs: number | null;
}

/**
 * Event-loop delay over the last interval, from two staggered histograms. A histogram's
 * reset() forgets the delay in flight, so a block that starts right after a reset would go
 * unseen by it; the other histogram, reset one tick earlier, still covers that moment.
 * Each tick reads (and resets) the older one, so every instant is seen at least once.
 */
class LagWindow {
  private next = 0;

  constructor(private readonly histograms: readonly [IntervalHistogram, IntervalHistogram]) {
    for (const h of histograms) h.enable();
  }

  read(): { maxMs: number; p99Ms: number } {
    const h = this.histograms[this.next]!;
    this.next = 1 - this.next;
    const result = h.count > 0 ? { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 } : { maxMs: 0, p99Ms: 0 };
    h.reset();
    return result;
  }

  close(): void {
    for (const h of this.histograms) h.disable();
  }
}

export class SystemdWatchdog {
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private maxLagMs: number;
  private timer: TimerHandle | null = null;
  private lag: LagWindow | null = null;
  private intervalMs: number | null = null;
  private lastTickAt = 0;
  private pings = 0;
  private withheld = 0;
  private withholding: string | null = null;
  private withheldSinceLog = 0;
  private lastWithheldLogAt = 0;
  private lastLagMs: number | null = null;

  constructor(private readonly opts: SystemdWatchdogOptions) {
    this.clock = opts.clock ?? systemClock;
    this.env = opts.env ?? process.env;
    this.maxLagMs = this.checkedLag(opts.maxEventLoopLagMs);
  }

  start(): void {
    if (this.timer) return;
    const schedule = watchdogScheduleFromEnv(this.env);
    if (!schedule.enabled) {
      if (schedule.misconfigured) this.opts.log.warn(`systemd watchdog off: ${schedule.reason}`);
      else this.opts.log.debug(`systemd watchdog off: ${schedule.reason}`);
      return;
    }
    const resolution = this.opts.lagResolutionMs ?? 10;
    const create = this.opts.createLagHistogram ?? ((r: number) => monitorEventLoopDelay({ resolution: r }));
    this.lag = new LagWindow([create(resolution), create(resolution)]);
    this.intervalMs = schedule.intervalMs;
    this.lastTickAt = this.clock.monotonic();
    this.timer = this.clock.setInterval(() => this.tick(), schedule.intervalMs);
    this.opts.log.info(
      { timeoutMs: schedule.timeoutUsec / 1000, intervalMs: schedule.intervalMs, maxEventLoopLagMs: this.maxLagMs },
      'systemd watchdog on',
    );
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.lag?.close();
    this.lag = null;
    this.intervalMs = null;
  }

  /** Applied from the next tick on (config reload). */
  setMaxEventLoopLag(ms: number): void {
    this.maxLagMs = this.checkedLag(ms);
  }

  status(): WatchdogStatus {
    return {
      enabled: this.timer !== null,
      intervalMs: this.intervalMs,
      pings: this.pings,
      withheld: this.withheld,
      withholding: this.withholding,
      lastLagMs: this.lastLagMs,
    };
  }

  private tick(): void {
    if (!this.lag || this.intervalMs === null) return;
    const now = this.clock.monotonic();
    // A tick that fires late was itself held up by the event loop: count that as lag too.
    const lateMs = Math.max(0, now - this.lastTickAt - this.intervalMs);
    this.lastTickAt = now;
    const { maxMs, p99Ms } = this.lag.read();
    const lagMs = Math.max(maxMs, lateMs);
    this.lastLagMs = round(lagMs);

    let reason: string | null = null;
    if (lagMs > this.maxLagMs) {
      reason = `event loop lag ${round(lagMs)} ms > ${this.maxLagMs} ms (p99 ${round(p99Ms)} ms)`;
    } else {
      const health = this.checkHealth();
      if (!health.ok) reason = `unhealthy: ${health.reason ?? 'no reason given'}`;
    }

    if (reason === null) {
      this.opts.notifier.watchdog();
      this.pings += 1;
      if (this.withholding !== null) {
        this.opts.log.info({ withheld: this.withheldSinceLog }, 'systemd watchdog pings resumed');
        this.withholding = null;
        this.withheldSinceLog = 0;
      }
      return;
    }
    this.withhold(reason, now);
  }

  /** A bad limit must not take the daemon down: fall back to the default and say so. */
  private checkedLag(ms: number): number {
    if (Number.isFinite(ms) && ms > 0) return ms;
    this.opts.log.warn({ got: ms, using: DEFAULT_MAX_LAG_MS }, 'maxEventLoopLagMs must be a positive number');
    return DEFAULT_MAX_LAG_MS;
  }

  private checkHealth(): WatchdogHealth {
    try {
      return this.opts.isHealthy();
    } catch (err) {
      return { ok: false, reason: `health check threw: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Logs the first withheld ping, a changed kind of reason, then at most once per interval. */
  private withhold(reason: string, now: number): void {
    this.withheld += 1;
    this.withheldSinceLog += 1;
    const kindChanged = this.withholding === null || kindOf(this.withholding) !== kindOf(reason);
    this.withholding = reason;
    const every = this.opts.withheldLogIntervalMs ?? 30_000;
    if (!kindChanged && now - this.lastWithheldLogAt < every) return;
    this.opts.log.warn(
      { reason, withheld: this.withheldSinceLog, lagMs: this.lastLagMs },
      'systemd watchdog ping withheld; systemd will restart the lane if this persists',
    );
    this.lastWithheldLogAt = now;
    this.withheldSinceLog = 0;
  }
}

/** "event loop lag 812 ms ..." and "unhealthy: store failed" are different kinds; numbers are not. */
function kindOf(reason: string): string {
  return reason.startsWith('event loop lag') ? 'lag' : reason;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
