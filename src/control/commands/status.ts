import { z } from 'zod';
import { defineRemoteCommand } from '../command-spec.js';
import type { LaneStatusSnapshot } from '../contract.js';
import { expectNoArgs } from './cli-args.js';
import { formatDuration } from './format.js';
import { servicesTable } from './services-table.js';

export const statusCommand = defineRemoteCommand({
  name: 'status',
  summary: 'lane identity, mode, uptime and the state of every service',
  usage: '',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('status', rest),
  handle: (ctx): LaneStatusSnapshot => ctx.status(),
  formatHuman(s: LaneStatusSnapshot, _args, fmt) {
    const rows: Array<readonly [string, string]> = [
      ['lane', `${s.lane} (site ${s.site}, ${s.kind}, ${s.direction})`],
      ['mode', s.mode],
    ];
    for (const reason of s.degradedReasons) rows.push(['  reason', reason]);
    rows.push(
      ['uptime', formatDuration(s.uptimeSeconds * 1000)],
      ['version', `${s.version} (pid ${s.pid})`],
      ['config', s.configPath],
    );
    return [
      { kind: 'fields', rows },
      { kind: 'text', text: '' },
      servicesTable(s.services, fmt.now, { counters: false }),
    ];
  },
});
