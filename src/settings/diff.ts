import { formatPath } from './config-issue.js';
import type { LaneConfig } from './lane-config.schema.js';
import { isRecord } from './schema-walk.js';

/** Keys the running daemon can apply without a restart (logger level, decision policy, watchdog limits). */
export function appliesLive(path: string): boolean {
  return path === 'log.level' || path.startsWith('policy.') || path.startsWith('watchdog.');
}

function collectChanges(a: unknown, b: unknown, path: PropertyKey[], out: string[]): void {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= a.length || i >= b.length) out.push(formatPath([...path, i]));
      else collectChanges(a[i], b[i], [...path, i], out);
    }
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) collectChanges(a[key], b[key], [...path, key], out);
    return;
  }
  if (!Object.is(a, b)) out.push(formatPath(path));
}

/**
 * The dotted keys that differ between two configs, split into those that apply live and those that need a
 * restart. Devices are compared by position: reordering them counts as a change (and needs a restart anyway).
 */
export function diffConfig(prev: LaneConfig, next: LaneConfig): { live: string[]; restart: string[] } {
  const changed: string[] = [];
  collectChanges(prev, next, [], changed);
  return { live: changed.filter(appliesLive), restart: changed.filter((path) => !appliesLive(path)) };
}
