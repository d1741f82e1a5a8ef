import type { HealthReport } from '../../app/service.js';
import type { HumanBlock } from '../command-spec.js';
import { formatAgo, formatCounters, orDash } from './format.js';

/** The services table shown by `status` and `health` (health adds the counters column). */
export function servicesTable(
  services: Record<string, HealthReport>,
  now: number,
  opts: { counters: boolean },
): HumanBlock {
  const columns = ['SERVICE', 'STATE', 'SINCE', 'RECONNECTS', 'LAST ERROR'];
  if (opts.counters) columns.push('COUNTERS');
  const rows = Object.entries(services)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, h]) => {
      const row = [name, h.state, formatAgo(h.since, now), String(h.reconnects), orDash(h.lastError)];
      if (opts.counters) row.push(formatCounters(h.counters));
      return row;
    });
  return { kind: 'table', columns, rows };
}
