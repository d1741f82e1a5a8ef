import { existsSync } from 'node:fs';
import type { HealthReport, HealthState, Service } from '../src/app/service.js';
import { Backoff, type BackoffOptions } from '../src/util/backoff.js';
import type { Clock, TimerHandle } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { TypedEmitter } from '../src/util/typed-events.js';
import type { SupervisedDriver } from './contract.js';

export interface DeviceStateChange {
  device: string;
  state: HealthState;
  previous: HealthState;
  /** Why the device is not ok (null when it is): `ENOENT: serial device not found (/dev/...)`. */
  reason: string | null;
  at: number;
}

export type DeviceSupervisorEvents = {
  state: [change: DeviceStateChange];
};

export interface DeviceSupervisorOptions {
  clock: Clock;
  log: Logger;
  /** Reconnect delays; the design guide's 0.5 s -> 5 s unless a test shortens them. */
  backoff?: BackoffOptions;
  /** How often the device path and liveness are checked while the device is up. Default 250 ms. */
  watchIntervalMs?: number;
  /**
   * Bound on one open() + configure(). A device that hangs while connecting must not hold up the
   * daemon's start (start() awaits the first attempt). Default 10 s.
   */
  openTimeoutMs?: number;
}

/** Where the supervisor is in its loop; `health().state` is what the outside sees. */
type Phase = 'idle' | 'connecting' | 'up' | 'waiting' | 'stopping';

/**
 * Keeps one device connected for as long as the daemon runs, and is the Service the app starts.
 *
 * - start() makes one attempt and resolves either way: a missing scanner must not stop the lane
 *   (health 'failed' with the reason puts the lane in degraded mode; lanectl status shows it).
 * - Afterwards it retries with backoff (0.5 s doubling to 5 s, jittered) until the device is back.
 * - The connection is considered lost on the driver's `down` or `error`, when its device path
 *   vanishes (a USB unplug removes /dev/serial/by-id/...; a dead port does not always report it),
 *   or when the driver says it has been silent past its liveness timeout.
 * - After every successful reconnect the driver's configuration is sent again, because a device that
 *   was power-cycled has forgotten it.
 * - stop() cancels timers, waits for an attempt in flight, closes the driver and removes its own
 *   listeners: nothing is left behind.
 */
export class DeviceSupervisor<D extends SupervisedDriver = SupervisedDriver>
  extends TypedEmitter<DeviceSupervisorEvents>
  implements Service
{
  readonly name: string;
  readonly critical = false;
  readonly driver: D;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly backoff: Backoff;
  private readonly watchIntervalMs: number;
  private readonly openTimeoutMs: number;
  private phase: Phase = 'idle';
  private state: HealthState = 'stopped';
  private since: number;
  private lastError: string | null = null;
  private reconnects = 0;
  /** Set by an open failure or a loss; the next successful open then counts as a reconnect. */
  private recovering = false;
  /** A loss reported while an attempt is still configuring the device. */
  private lossDuringConnect: string | null = null;
  private inFlight: Promise<void> | null = null;
  private retryTimer: TimerHandle | null = null;
  private watchTimer: TimerHandle | null = null;
  private replugTimer: TimerHandle | null = null;
  private readonly stats = { openAttempts: 0, openFailures: 0, disconnects: 0 };

  constructor(driver: D, opts: DeviceSupervisorOptions) {
    super();
    this.driver = driver;
    this.name = `device:${driver.name}`;
    this.clock = opts.clock;
    this.log = opts.log;
    this.backoff = new Backoff(opts.backoff);
    this.watchIntervalMs = opts.watchIntervalMs ?? 250;
    this.openTimeoutMs = opts.openTimeoutMs ?? 10_000;
    this.since = opts.clock.now();
  }

  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.driver.on('down', this.onDown);
    this.driver.on('error', this.onError);
    this.recovering = false;
    this.backoff.reset();
    this.setState('starting', null);
    await this.track(this.attempt());
  }

  async stop(): Promise<void> {
    if (this.phase === 'idle') return;
    this.phase = 'stopping';
    this.cancelRetry();
    this.stopWatch();
    if (this.inFlight) await this.inFlight;
    await this.closeDriver();
    this.driver.off('down', this.onDown);
    this.driver.off('error', this.onError);
    this.phase = 'idle';
    this.setState('stopped', null);
  }

  health(): HealthReport {
    return {
      state: this.state,
      since: this.since,
      reconnects: this.reconnects,
      lastError: this.lastError,
      counters: { ...this.driver.counters(), ...this.stats },
    };
  }

  /** Runs `work` as the one operation in flight, so stop() can wait for it. Never rejects. */
  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((err: unknown) => {
      this.log.error({ err }, 'device supervisor bug: unexpected failure');
    });
    this.inFlight = tracked;
    void tracked.finally(() => {
      if (this.inFlight === tracked) this.inFlight = null;
    });
    return tracked;
  }

  private async attempt(): Promise<void> {
    this.phase = 'connecting';
    this.lossDuringConnect = null;
    this.stats.openAttempts += 1;
    try {
      await this.bounded(this.connectAndConfigure());
      if (this.lossDuringConnect !== null) throw new Error(this.lossDuringConnect);
    } catch (err) {
      if (this.isStopping()) return;
      this.stats.openFailures += 1;
      await this.closeDriver(); // release whatever a half-done open acquired
      if (this.isStopping()) return;
      this.recovering = true;
      this.setState('failed', describe(err));
      this.log.warn({ reason: this.lastError, attempt: this.backoff.attempts + 1 }, 'device unavailable, will retry');
      this.scheduleRetry();
      return;
    }
    if (this.isStopping()) return;
    this.phase = 'up';
    if (this.recovering) this.reconnects += 1;
    this.recovering = false;
    this.backoff.reset();
    this.setState('ok', null);
    this.log.info({ reconnects: this.reconnects }, 'device up');
    this.startWatch();
  }

  private async connectAndConfigure(): Promise<void> {
    await this.driver.open();
    if (this.isStopping()) return; // stop() closes the driver
    if (this.driver.configure) await this.driver.configure();
  }

  /** Rejects with ETIMEDOUT when `work` outlasts openTimeoutMs; closeDriver() then undoes what it did. */
  private bounded(work: Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        reject(new Error(`ETIMEDOUT: no connection within ${this.openTimeoutMs} ms`));
      }, this.openTimeoutMs);
      work.then(
        () => {
          timer.cancel();
          resolve();
        },
        (err: unknown) => {
          timer.cancel();
          reject(err);
        },
      );
    });
  }

  private readonly onDown = (reason: string): void => {
    this.lost(reason);
  };

  private readonly onError = (err: Error): void => {
    this.lost(`error: ${err.message}`);
  };

  private lost(reason: string): void {
    if (this.phase === 'connecting') {
      this.lossDuringConnect ??= reason;
      return;
    }
    if (this.phase !== 'up') return; // already handling a loss, or stopping
    this.phase = 'waiting';
    this.stats.disconnects += 1;
    this.recovering = true;
    this.stopWatch();
    this.setState('failed', reason);
    this.log.warn({ reason }, 'device lost, reconnecting');
    void this.track(
      this.closeDriver().then(() => {
        if (this.phase === 'waiting') this.scheduleRetry();
      }),
    );
  }

  private scheduleRetry(): void {
    this.phase = 'waiting';
    const delay = this.backoff.next();
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      this.stopReplugWatch();
      if (this.phase === 'waiting') void this.track(this.attempt());
    }, delay);
    this.watchForReplug();
  }

  /**
   * After a long outage the backoff has grown to 5 s; a technician who plugs the reader back in
   * should not wait that long. While the device path is absent, poll for it and retry at once
   * when it reappears (udev creates /dev/serial/by-id/... as soon as the device enumerates).
   */
  private watchForReplug(): void {
    const path = this.driver.devicePath;
    if (!path || existsSync(path) || this.replugTimer) return;
    this.replugTimer = this.clock.setInterval(() => {
      if (this.phase !== 'waiting') return this.stopReplugWatch();
      if (!existsSync(path)) return;
      this.log.info({ path }, 'device path is back; reconnecting now');
      // A device that just came back may need a moment (the reader boots, udev sets modes): if
      // this first attempt fails, retry on the short end of the backoff, not after the outage's 5 s.
      this.backoff.reset();
      this.cancelRetry();
      void this.track(this.attempt());
    }, this.watchIntervalMs);
  }

  private stopReplugWatch(): void {
    this.replugTimer?.cancel();
    this.replugTimer = null;
  }

  private cancelRetry(): void {
    this.retryTimer?.cancel();
    this.retryTimer = null;
    this.stopReplugWatch();
  }

  private startWatch(): void {
    const path = this.driver.devicePath;
    const checksLiveness = typeof this.driver.isAlive === 'function';
    if (!path && !checksLiveness) return;
    this.watchTimer = this.clock.setInterval(() => {
      if (this.phase !== 'up') return;
      if (path && !existsSync(path)) this.lost(`device path vanished: ${path}`);
      else if (this.driver.isAlive && !this.driver.isAlive()) this.lost('liveness timeout: device silent');
    }, this.watchIntervalMs);
  }

  private stopWatch(): void {
    this.watchTimer?.cancel();
    this.watchTimer = null;
  }

  private async closeDriver(): Promise<void> {
    try {
      await this.driver.close();
    } catch (err) {
      this.log.warn({ err }, 'device close failed');
    }
  }

  private isStopping(): boolean {
    return this.phase === 'stopping';
  }

  private setState(state: HealthState, reason: string | null): void {
    const previous = this.state;
    if (reason !== null) this.lastError = reason;
    // Another failed retry is not a state change: `since` keeps saying how long the device has been down.
    if (state === previous) return;
    this.state = state;
    this.since = this.clock.now();
    try {
      this.emit('state', { device: this.driver.name, state, previous, reason, at: this.since });
    } catch (err) {
      // A listener's bug must not break the reconnect loop.
      this.log.error({ err }, 'device state listener failed');
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
