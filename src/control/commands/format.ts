/** Formatting helpers shared by the human output of several commands. */

/** `3d04h`, `1h02m`, `4m05s`, `12s`: two units are enough to read at a glance. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const sec = s % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d${two(h)}h`;
  if (h > 0) return `${h}h${two(m)}m`;
  if (m > 0) return `${m}m${two(sec)}s`;
  return `${sec}s`;
}

/** How long ago an epoch-ms instant was, e.g. `4m05s ago`; `-` for a missing value. */
export function formatAgo(since: number, now: number): string {
  if (!Number.isFinite(since) || since <= 0) return '-';
  if (since > now) return 'just now';
  return `${formatDuration(now - since)} ago`;
}

/** Counters as `name=value` pairs in name order, `-` when there are none. */
export function formatCounters(counters: Record<string, number> | undefined): string {
  const entries = Object.entries(counters ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '-';
  return entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

export function orDash(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : value;
}
