import type { HealthReport } from './service.js';
import type { LaneMode } from '../control/contract.js';

/**
 * Derives the lane mode and the degraded reasons from the services' health. Kept pure so
 * the rules (which states count as degraded, how reasons read) are tested on their own.
 */
export function deriveLaneMode(
  phase: 'starting' | 'running' | 'stopping',
  health: Record<string, HealthReport>,
): { mode: LaneMode; reasons: string[] } {
  const reasons: string[] = [];
  for (const [name, report] of Object.entries(health)) {
    if (report.state === 'failed' || report.state === 'degraded') {
      reasons.push(`${name}: ${report.lastError ?? report.state}`);
    }
  }
  if (phase === 'starting') return { mode: 'starting', reasons };
  if (phase === 'stopping') return { mode: 'stopping', reasons };
  return { mode: reasons.length > 0 ? 'degraded' : 'normal', reasons };
}

/** One line for systemd's STATUS= and for the log: short enough for `systemctl status`. */
export function statusLine(lane: string, mode: LaneMode, reasons: string[], serviceCount: number): string {
  if (mode === 'degraded') {
    const first = reasons[0] ?? '';
    const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : '';
    return `lane ${lane} degraded: ${first}${more}`;
  }
  return `lane ${lane} ${mode}; ${serviceCount} services`;
}
