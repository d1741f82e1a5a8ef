import type { ControlContext, LaneStatusSnapshot, ReloadOutcome, VersionInfo } from '../control/contract.js';
import { diffConfig, formatIssue, loadConfigFile, type LaneConfig, type LaneSecrets } from '../settings/index.js';
import type { Clock } from '../util/clock.js';
import { systemClock } from '../util/clock.js';
import type { LogHub, LogLevel, Logger } from '../util/logger.js';
import { buildServices } from './compose.js';
import { storeQueriesOf } from './store-control.js';
import type { StoreQueries } from '../control/store-queries.js';
import type { DeviceHandle, LaneControl } from '../control/lane-control.js';
import type { Store } from '../store/index.js';
import type { MqttLink, OutboxSnapshot, SyncStatusSnapshot } from '../sync/index.js';
import { deriveLaneMode, statusLine } from './lane-status.js';
import { packageInfo } from './package-info.js';
import { ServiceGroup, type StartOutcome } from './service-group.js';
import { createSystemdNotifier, type SystemdNotifier } from './systemd-notify.js';
import { SystemdWatchdog } from './watchdog.js';

export interface LaneDaemonOptions {
  configPath: string;
  config: LaneConfig;
  secrets: LaneSecrets;
  logHub: LogHub;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Replaces systemd's notifier (tests); by default created from NOTIFY_SOCKET. */
  notifier?: SystemdNotifier;
}

const STATUS_REFRESH_MS = 5_000;

/**
 * The running lane: owns the config, the services built from it, systemd notification and
 * the answers the control socket gives. Signals are wired in main.ts, not here, so tests can
 * run several daemons in one process.
 */
export class LaneDaemon implements ControlContext {
  private config: LaneConfig;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly env: NodeJS.ProcessEnv;
  private readonly notifier: SystemdNotifier;
  private readonly group: ServiceGroup;
  private readonly store: Store;
  private readonly link: MqttLink | null;
  private readonly deviceHandles: DeviceHandle[];
  private readonly laneControl: LaneControl | null;
  private readonly watchdog: SystemdWatchdog;
  private phase: 'starting' | 'running' | 'stopping' = 'starting';
  private startedAt = 0;
  private lastStatusLine = '';
  private statusTimer: { cancel(): void } | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: LaneDaemonOptions) {
    this.config = opts.config;
    this.clock = opts.clock ?? systemClock;
    this.env = opts.env ?? process.env;
    this.log = opts.logHub.child('daemon');
    this.notifier = opts.notifier ?? createSystemdNotifier(this.env, this.log);
    const services = buildServices({
      config: opts.config,
      secrets: opts.secrets,
      logHub: opts.logHub,
      clock: this.clock,
      control: this,
      currentConfig: () => this.config,
    });
    this.group = new ServiceGroup(services.all, this.log);
    this.store = services.store;
    this.link = services.link;
    this.deviceHandles = services.devices;
    this.laneControl = services.lane;
    this.watchdog = new SystemdWatchdog({
      notifier: this.notifier,
      env: this.env,
      clock: this.clock,
      maxEventLoopLagMs: this.config.watchdog.maxEventLoopLagMs,
      isHealthy: () => this.livenessForWatchdog(),
      log: opts.logHub.child('watchdog'),
    });
  }

  async start(): Promise<StartOutcome> {
    this.startedAt = this.clock.now();
    this.log.info({ services: this.group.startOrder, config: this.opts.configPath }, 'starting lane');
    const outcome = await this.group.startAll();
    if (!outcome.ok) {
      this.phase = 'stopping';
      return outcome;
    }
    this.phase = 'running';
    const { mode, reasons } = deriveLaneMode(this.phase, this.group.health());
    this.lastStatusLine = statusLine(this.config.lane.id, mode, reasons, this.group.services.length);
    this.notifier.ready(this.lastStatusLine);
    this.watchdog.start();
    this.statusTimer = this.clock.setInterval(() => this.refreshStatus(), STATUS_REFRESH_MS);
    this.log.info({ mode, degraded: reasons }, 'lane started');
    return outcome;
  }

  /** Idempotent: SIGTERM during a reload or a second SIGTERM waits for the same stop. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.phase = 'stopping';
    this.notifier.stopping(`lane ${this.config.lane.id} stopping`);
    this.statusTimer?.cancel();
    this.statusTimer = null;
    this.watchdog.stop();
    await this.group.stopAll();
    this.log.info('lane stopped');
  }

  status(): LaneStatusSnapshot {
    const services = this.group.health();
    const { mode, reasons } = deriveLaneMode(this.phase, services);
    const info = packageInfo();
    const status: LaneStatusSnapshot = {
      lane: this.config.lane.id,
      site: this.config.lane.site,
      kind: this.config.lane.kind,
      direction: this.config.lane.direction,
      mode,
      degradedReasons: reasons,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.round((this.clock.now() - this.startedAt) / 1000),
      version: info.version,
      configPath: this.opts.configPath,
      pid: process.pid,
      services,
    };
    // The passage flow (phase, suspension, face check) rides along for lanectl status --json.
    return this.laneControl ? Object.assign(status, { flow: this.laneControl.snapshot() }) : status;
  }

  version(): VersionInfo {
    const info = packageInfo();
    return { name: info.name, version: info.version, node: process.version, commit: info.commit };
  }

  getLogLevel(): LogLevel {
    return this.opts.logHub.level;
  }

  setLogLevel(level: LogLevel): void {
    this.opts.logHub.setLevel(level);
    this.log.info({ level }, 'log level changed');
  }

  /**
   * Re-reads the config file. Only sections that are safe to swap under a running lane are
   * applied (log level, policy, watchdog); the rest is reported as needing a restart, and a
   * file that does not validate is refused with every error while the old config stays.
   */
  async reloadConfig(): Promise<ReloadOutcome> {
    this.notifier.reloading();
    try {
      const loaded = loadConfigFile(this.opts.configPath, { env: this.env });
      if (!loaded.ok) {
        const errors = loaded.issues.map(formatIssue);
        this.log.warn({ errors }, 'config reload refused; keeping the running config');
        return { ok: false, applied: [], needsRestart: [], errors };
      }
      const { live, restart } = diffConfig(this.config, loaded.config);
      const next = loaded.config;
      if (live.some((k) => k.startsWith('log.'))) this.opts.logHub.setLevel(next.log.level);
      if (live.some((k) => k.startsWith('watchdog.'))) this.watchdog.setMaxEventLoopLag(next.watchdog.maxEventLoopLagMs);
      this.config = { ...this.config, log: next.log, policy: next.policy, watchdog: next.watchdog };
      this.log.info({ applied: live, needsRestart: restart }, 'config reloaded');
      return { ok: true, applied: live, needsRestart: restart, errors: [] };
    } finally {
      this.notifier.ready(this.lastStatusLine);
    }
  }

  storeQueries(): StoreQueries | null {
    return storeQueriesOf(this.store, this.clock);
  }

  syncStatus(): SyncStatusSnapshot | null {
    return this.link?.status() ?? null;
  }

  outboxSnapshot(limit: number): OutboxSnapshot | null {
    return this.link?.outboxSnapshot(limit) ?? null;
  }

  devices(): DeviceHandle[] {
    return this.deviceHandles;
  }

  lane(): LaneControl | null {
    return this.laneControl;
  }

  /** The policy currently in force (changes live on reload). */
  currentConfig(): LaneConfig {
    return this.config;
  }

  private livenessForWatchdog(): { ok: boolean; reason?: string } {
    // A missing scanner degrades the lane but a restart would not bring it back, so only a
    // failed critical service (the store) withholds the watchdog ping.
    for (const service of this.group.services) {
      if (!service.critical) continue;
      const state = service.health().state;
      if (state === 'failed') return { ok: false, reason: `${service.name} failed` };
    }
    return { ok: true };
  }

  private refreshStatus(): void {
    const { mode, reasons } = deriveLaneMode(this.phase, this.group.health());
    const line = statusLine(this.config.lane.id, mode, reasons, this.group.services.length);
    if (line === this.lastStatusLine) return;
    this.lastStatusLine = line;
    this.notifier.status(line);
    this.log.info({ mode, degraded: reasons }, 'lane status changed');
  }
}
