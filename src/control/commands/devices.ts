import { z } from 'zod';
import type { HealthState } from '../../app/service.js';
import { defineRemoteCommand } from '../command-spec.js';
import { expectNoArgs } from './cli-args.js';
import { formatAgo, orDash } from './format.js';

export interface DeviceRow {
  name: string;
  type: string;
  kind: string;
  state: HealthState;
  since: number;
  reconnects: number;
  lastError: string | null;
  /** Every counter the driver and its supervisor report (the table shows a few key ones). */
  counters: Record<string, number>;
}

export interface DevicesResult {
  /** False when any device is not `ok` (lanectl then exits 1). */
  healthy: boolean;
  devices: DeviceRow[];
}

/**
 * Counters worth a glance, in this order; a device shows the first four it has. The rest are in
 * --json. Gauges first (fps, age of the last frame) because they say "working now".
 */
const KEY_COUNTERS = [
  'fps',
  'lastFrameAgeMs',
  'frames',
  'codes',
  'documents',
  'tags',
  'reads',
  'dropped',
  'droppedFrames',
  'errors',
  'disconnects',
] as const;

function keyCounters(counters: Record<string, number>): string {
  const shown = KEY_COUNTERS.filter((k) => typeof counters[k] === 'number').slice(0, 4);
  if (shown.length === 0) return '-';
  return shown.map((k) => `${k}=${counters[k]}`).join(' ');
}

/** Health of every configured device, in config order: what a technician checks first on site. */
export const devicesCommand = defineRemoteCommand({
  name: 'devices',
  summary: 'every configured device: state, since, reconnects, last error, key counters; exits 1 when one is not ok',
  usage: '',
  help: 'The key counters column shows up to four of fps, lastFrameAgeMs, frames, codes, tags, reads, dropped, errors; --json has them all.',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('devices', rest),
  handle(ctx): DevicesResult {
    const devices = ctx.devices().map((d): DeviceRow => {
      const h = d.health();
      return { name: d.name, type: d.type, kind: d.kind, state: h.state, since: h.since, reconnects: h.reconnects, lastError: h.lastError, counters: h.counters ?? {} };
    });
    return { healthy: devices.every((d) => d.state === 'ok'), devices };
  },
  exitCode: (r: DevicesResult) => (r.healthy ? 0 : 1),
  formatHuman(r: DevicesResult, _args, fmt) {
    if (r.devices.length === 0) return [{ kind: 'text', text: 'no devices configured in this lane' }];
    const notOk = r.devices.filter((d) => d.state !== 'ok').length;
    return [
      {
        kind: 'table',
        columns: ['DEVICE', 'TYPE', 'KIND', 'STATE', 'SINCE', 'RECONNECTS', 'LAST ERROR', 'COUNTERS'],
        rows: r.devices.map((d) => [d.name, d.type, d.kind, d.state, formatAgo(d.since, fmt.now), String(d.reconnects), orDash(d.lastError), keyCounters(d.counters)]),
      },
      {
        kind: 'text',
        text: `${r.devices.length} device${r.devices.length === 1 ? '' : 's'}; ${notOk === 0 ? 'all ok' : `${notOk} NOT ok`}`,
      },
    ];
  },
});
