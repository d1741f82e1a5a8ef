import type { HealthState } from '../app/service.js';
import type { Logger } from '../util/logger.js';
import type { SyncStore } from './store-port.js';

/**
 * Turns device health changes into event/device-health rows in the outbox, so they reach the
 * central system in order with passages and alarms, also after an outage. The first observation
 * of each device is the baseline (the state message carries the full picture on every connect);
 * after that every change is one event.
 */
export class DeviceHealthWatch {
  private readonly last = new Map<string, HealthState>();

  constructor(
    private readonly store: SyncStore,
    private readonly log: Logger,
  ) {}

  /** Compares with the previous observation; returns whether anything changed. */
  check(devices: Readonly<Record<string, HealthState>>): boolean {
    let changed = false;
    for (const [device, state] of Object.entries(devices)) {
      const previous = this.last.get(device);
      this.last.set(device, state);
      if (previous === undefined || previous === state) continue;
      changed = true;
      try {
        this.store.outbox.enqueue('event/device-health', { device, state, previous });
      } catch (err) {
        this.log.error({ err, device }, 'device health change not queued');
      }
    }
    for (const device of [...this.last.keys()]) {
      if (device in devices) continue;
      this.last.delete(device);
      changed = true;
      try {
        this.store.outbox.enqueue('event/device-health', { device, state: 'removed', previous: 'unknown' });
      } catch (err) {
        this.log.error({ err, device }, 'device removal not queued');
      }
    }
    return changed;
  }
}
