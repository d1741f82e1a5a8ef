import { z } from 'zod';
import { defineRemoteCommand } from '../command-spec.js';
import type { LaneStatusSnapshot } from '../contract.js';
import { expectNoArgs } from './cli-args.js';
import { formatDuration } from './format.js';
import { servicesTable } from './services-table.js';

/** The passage flow as the daemon adds it to the status (LaneFlowSnapshot plus the runner's extras). */
interface FlowStatus {
  phase?: string;
  mode?: string;
  suspended?: string[];
  signal?: string;
  faceCheck?: 'on' | 'off' | 'n/a';
  passage?: string | null;
}

/** Rows about the flow: only for staff at lanectl (the travellers' screen never says the face check is off). */
function flowRows(flow: FlowStatus | undefined): Array<readonly [string, string]> {
  if (!flow || typeof flow !== 'object') return [];
  const phase = flow.passage ? `${flow.phase ?? '?'} (passage ${flow.passage})` : (flow.phase ?? '?');
  const rows: Array<readonly [string, string]> = [['flow', phase], ['lane mode', flow.mode ?? '?']];
  for (const reason of flow.suspended ?? []) rows.push(['  suspended', reason]);
  rows.push(['signal', flow.signal ?? '?']);
  if (flow.faceCheck === 'off') rows.push(['face check', 'off (policy.requireFace is false)']);
  return rows;
}

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
    rows.push(...flowRows((s as LaneStatusSnapshot & { flow?: FlowStatus }).flow));
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
