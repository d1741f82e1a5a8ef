import { z } from 'zod';
import type { HealthReport, HealthState } from '../../app/service.js';
import { defineRemoteCommand } from '../command-spec.js';
import { expectNoArgs } from './cli-args.js';
import { servicesTable } from './services-table.js';

export interface HealthResult {
  /** False when any service is failed or degraded (lanectl then exits 1, for scripts). */
  healthy: boolean;
  services: Record<string, HealthReport>;
}

const UNHEALTHY: ReadonlySet<HealthState> = new Set(['failed', 'degraded']);

export const healthCommand = defineRemoteCommand({
  name: 'health',
  summary: "every service's health report; exits 1 when one is failed or degraded",
  usage: '',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('health', rest),
  handle(ctx): HealthResult {
    const services = ctx.status().services;
    const healthy = Object.values(services).every((h) => !UNHEALTHY.has(h.state));
    return { healthy, services };
  },
  exitCode: (r: HealthResult) => (r.healthy ? 0 : 1),
  formatHuman(r: HealthResult, _args, fmt) {
    const counts = new Map<string, number>();
    for (const h of Object.values(r.services)) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
    const total = Object.keys(r.services).length;
    const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
    return [
      servicesTable(r.services, fmt.now, { counters: true }),
      { kind: 'text', text: `${total} service${total === 1 ? '' : 's'}${summary ? `: ${summary}` : ''}; ${r.healthy ? 'healthy' : 'NOT healthy'}` },
    ];
  },
});
