/**
 * The lifecycle every long-lived part of the daemon follows: devices (through their driver
 * supervisors), the store, the MQTT link, the control socket. The composition root starts
 * services in dependency order and stops them in reverse, each in its own try/catch.
 */
export type HealthState = 'starting' | 'ok' | 'degraded' | 'failed' | 'stopped';

export interface HealthReport {
  state: HealthState;
  /** Epoch ms of the last state change. */
  since: number;
  reconnects: number;
  lastError: string | null;
  counters: Record<string, number>;
}

export interface Service {
  /** Unique name, e.g. `store`, `control`, `device:entry-scanner`. */
  readonly name: string;
  /** Names of services that must be started first. */
  readonly dependsOn?: readonly string[];
  /**
   * `critical` services stop the daemon from starting when they fail (the store: no journal,
   * no passages). Others (devices, the MQTT link) put the lane in a degraded state instead.
   */
  readonly critical?: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): HealthReport;
}

export function initialHealth(now: number, state: HealthState = 'stopped'): HealthReport {
  return { state, since: now, reconnects: 0, lastError: null, counters: {} };
}
