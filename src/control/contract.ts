import type { HealthReport } from '../app/service.js';
import type { LogLevel } from '../util/logger.js';
import type { StoreQueries } from './store-queries.js';
import type { OutboxSnapshot, SyncStatusSnapshot } from '../sync/sync-status.js';
import type { DeviceHandle, LaneControl } from './lane-control.js';

/**
 * What the daemon exposes to the control socket. The composition root implements it; each
 * command file in src/control/commands/ uses only this interface, so commands never reach
 * into services directly. Later issues extend it (devices, journal, outbox, ...).
 */
export type LaneMode = 'starting' | 'normal' | 'degraded' | 'stopping';

export interface LaneStatusSnapshot {
  lane: string;
  site: string;
  kind: 'people' | 'vehicle';
  direction: string;
  mode: LaneMode;
  /** Why the lane is degraded, one line each, e.g. `device:entry-scanner: ENOENT /dev/ttyUSB0`. */
  degradedReasons: string[];
  startedAt: string;
  uptimeSeconds: number;
  version: string;
  configPath: string;
  pid: number;
  services: Record<string, HealthReport>;
}

export interface VersionInfo {
  name: string;
  version: string;
  node: string;
  commit: string | null;
}

export interface ReloadOutcome {
  ok: boolean;
  /** Dotted config keys applied live, e.g. `log.level`. */
  applied: string[];
  /** Keys that changed but only take effect after a restart. */
  needsRestart: string[];
  /** Validation errors as `path: message` when the new file was refused (old config stays). */
  errors: string[];
}

export interface ControlContext {
  status(): LaneStatusSnapshot;
  version(): VersionInfo;
  reloadConfig(): Promise<ReloadOutcome>;
  getLogLevel(): LogLevel;
  setLogLevel(level: LogLevel): void;
  /** The open store, or null while it is not running (journal and cache commands then fail clearly). */
  storeQueries(): StoreQueries | null;
  /** The MQTT link's state, or null when mqtt.enabled is false. */
  syncStatus(): SyncStatusSnapshot | null;
  outboxSnapshot(limit: number): OutboxSnapshot | null;
  /** Every configured device, in config order. */
  devices(): DeviceHandle[];
  /** The passage flow, or null while it is not running (or no flow is wired in the config). */
  lane(): LaneControl | null;
}
