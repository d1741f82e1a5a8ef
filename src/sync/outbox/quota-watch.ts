import type { Logger } from '../../util/logger.js';
import type { SyncStore } from '../store-port.js';

export type QuotaLevel = 'ok' | 'warning' | 'exceeded';

/** Back to a lower level only this far below the threshold, so a backlog hovering at it does not flap. */
const HYSTERESIS = 0.05;

export const OUTBOX_ALARM_CODES = {
  warning: 'outbox-quota-warning',
  exceeded: 'outbox-quota-exceeded',
  ok: 'outbox-quota-cleared',
} as const;

/**
 * Watches the undelivered outbox against its quota. Crossing a level raises an alarm, which itself
 * goes out through the outbox (event/alarm) so the central system learns of it in order, and is
 * logged. Nothing is ever deleted to make room: the hard limit is the store's database size cap
 * (storage), where the store refuses new passages and the lane goes fail-secure, so a passage is
 * never dropped silently.
 */
export class QuotaWatch {
  private current: QuotaLevel = 'ok';

  constructor(
    private readonly store: SyncStore,
    private readonly quotaBytes: number,
    private readonly alarmRatio: number,
    private readonly log: Logger,
  ) {}

  get level(): QuotaLevel {
    return this.current;
  }

  ratio(bytes: number): number {
    return bytes / this.quotaBytes;
  }

  /** Updates the level from a reading; returns the new level when it changed. */
  update(bytes: number, pending: number): QuotaLevel | null {
    const r = this.ratio(bytes);
    const next = this.levelFor(r);
    if (next === this.current) return null;
    const previous = this.current;
    this.current = next;
    const body = {
      code: OUTBOX_ALARM_CODES[next],
      severity: next === 'exceeded' ? 'critical' : next === 'warning' ? 'warning' : 'info',
      pendingMessages: pending,
      pendingBytes: bytes,
      quotaBytes: this.quotaBytes,
      previous,
    };
    const line = { ...body, ratio: Number(r.toFixed(3)) };
    if (next === 'ok') this.log.info(line, 'outbox back under its quota alarm level');
    else if (next === 'warning') this.log.warn(line, 'outbox nearing its quota: the central system is not taking messages');
    else this.log.error(line, 'outbox over its quota: the database size cap is next; check the MQTT link');
    try {
      this.store.outbox.enqueue('event/alarm', body);
    } catch (err) {
      this.log.error({ err }, 'outbox quota alarm could not be queued');
    }
    return next;
  }

  private levelFor(r: number): QuotaLevel {
    const warnAt = this.alarmRatio;
    switch (this.current) {
      case 'ok':
        return r >= 1 ? 'exceeded' : r >= warnAt ? 'warning' : 'ok';
      case 'warning':
        return r >= 1 ? 'exceeded' : r < warnAt - HYSTERESIS ? 'ok' : 'warning';
      case 'exceeded':
        return r >= 1 - HYSTERESIS ? 'exceeded' : r < warnAt - HYSTERESIS ? 'ok' : 'warning';
    }
  }
}
