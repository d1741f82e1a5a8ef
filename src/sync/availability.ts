import type { HealthReport, HealthState } from '../app/service.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { WillMessage } from './connection/client-options.js';
import type { SyncStateTable } from './sync-tables.js';
import type { LaneTopics } from './topics.js';
import { isoOf } from './wire/common.js';
import type { LaneOperatingMode, StateOffline, StateOnline } from './wire/up-messages.js';

/** What the lane reports about itself in the retained state message. */
export interface LaneStateInfo {
  mode: LaneOperatingMode;
  summary: 'ok' | 'degraded' | 'failed';
  devices: Record<string, HealthState>;
}

export interface AvailabilityOptions {
  topics: LaneTopics;
  /** The birth counter's table; a function because it exists only once the store has started. */
  table(): SyncStateTable;
  clock: Clock;
  log: Logger;
  software: { name: string; version: string };
  laneState(): LaneStateInfo;
  listVersions(): Record<string, number>;
  outbox(): StateOnline['outbox'];
}

const BIRTH_KEY = 'availability.birth';

/**
 * The wire's operating mode for the lane's service mode (lanectl mode / set-mode): the wire calls a
 * lane closed to passages `locked`. Anything unknown reads as `normal` rather than breaking the schema.
 */
export function operatingModeOf(serviceMode: string | null | undefined): LaneOperatingMode {
  switch (serviceMode) {
    case 'closed':
    case 'locked':
      return 'locked';
    case 'free-pass':
      return 'free-pass';
    case 'maintenance':
      return 'maintenance';
    default:
      return 'normal';
  }
}

/** The state message's lane part from the service mode and the devices' health. */
export function laneStateInfo(serviceMode: string | null | undefined, devices: Record<string, HealthReport>): LaneStateInfo {
  const states = Object.fromEntries(Object.entries(devices).map(([name, h]) => [name, h.state])) as Record<string, HealthState>;
  const all = Object.values(states);
  const summary = all.includes('failed') ? 'failed' : all.includes('degraded') ? 'degraded' : 'ok';
  return { mode: operatingModeOf(serviceMode), summary, devices: states };
}

/**
 * The birth number ties a will to the connection it belongs to: it increases (persistently) before
 * every connection attempt, the will of that attempt carries it, and so does every online message
 * of that connection. A consumer keeps the highest birth it has seen and ignores an offline state
 * with a lower one, so a late will from an old connection never overrides a newer online.
 */
export class Availability {
  private current = 0;
  private connectedAt = 0;
  /**
   * Set by the shutdown offline, cleared by the next connection attempt. While stopping, our own
   * goodbye comes back on the state topic we listen to: it is not a late will, and answering it
   * with "online" would leave a stopped lane looking alive in the retained state.
   */
  private stopping = false;

  constructor(private readonly opts: AvailabilityOptions) {}

  get birth(): number {
    return this.current;
  }

  /** Takes the next birth number (committed to the database when it can be). */
  nextBirth(): number {
    let next: number;
    try {
      next = this.opts.table().increment(BIRTH_KEY);
    } catch (err) {
      // The store is failing: keep counting in memory, the number must still increase.
      next = this.current + 1;
      this.opts.log.warn({ err }, 'birth number not persisted');
    }
    this.current = Math.max(next, this.current + 1);
    this.connectedAt = this.opts.clock.now();
    this.stopping = false;
    return this.current;
  }

  /** The will for a new connection attempt (takes a new birth number). */
  willForNextAttempt(): WillMessage {
    const birth = this.nextBirth();
    return { topic: this.opts.topics.state, payload: JSON.stringify(this.offline('connection-lost', birth)), retain: true };
  }

  online(): StateOnline {
    const { site, lane } = this.opts.topics.id;
    const info = this.opts.laneState();
    return {
      v: 1,
      site,
      lane,
      state: 'online',
      birth: this.current,
      at: isoOf(this.opts.clock.now()),
      software: this.opts.software,
      mode: info.mode,
      health: { summary: info.summary, devices: info.devices },
      lists: this.opts.listVersions(),
      outbox: this.opts.outbox(),
    };
  }

  /** The offline state; `shutdown` means a clean stop is under way (see `stopping`). */
  offline(reason: StateOffline['reason'], birth = this.current): StateOffline {
    if (reason === 'shutdown') this.stopping = true;
    const { site, lane } = this.opts.topics.id;
    return { v: 1, site, lane, state: 'offline', birth, at: isoOf(reason === 'shutdown' ? this.opts.clock.now() : this.connectedAt), reason };
  }

  /**
   * Whether a state message seen on our own topic contradicts the current connection: a retained
   * offline (a late will), or an online from an older birth. The link then re-announces. Never
   * while stopping: the offline we just published must be what stays retained.
   */
  isStale(payload: Buffer): boolean {
    if (this.stopping) return false;
    try {
      const seen = JSON.parse(payload.toString('utf8')) as { state?: unknown; birth?: unknown };
      return seen.state !== 'online' || seen.birth !== this.current;
    } catch {
      return true;
    }
  }
}
