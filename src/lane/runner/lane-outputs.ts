/**
 * What the passage flow shows and raises: the traveller's display, and the flow's alarms (event log,
 * log line, and an event for the central system). Both are best-effort: a failing adapter is guarded.
 */
import type { RunnerPorts } from './ports.js';
import type { RunnerCore } from './runner-core.js';

export type Screen = Parameters<NonNullable<RunnerPorts['display']>['show']>[0];

export class LaneOutputs {
  constructor(private readonly core: RunnerCore) {}

  show(screen: Screen, nationality: string | null = null, reason?: string): void {
    const { ports } = this.core;
    const display = ports.display;
    if (!display) return;
    const r = this.core.guard('display', () => display.show(screen, { nationality, ...(reason ? { reason: reason as never } : {}) }), null);
    if (r && !r.ok) ports.log.warn({ screen, error: r.error }, 'display refused a screen');
  }

  alarm(passage: string | null, kind: string, reason: string): void {
    const { ports } = this.core;
    this.core.counts.alarms += 1;
    const detail = reason.slice(0, 160);
    this.core.note('alarm', { source: 'flow', kind, reason: detail, passage });
    ports.log.warn({ kind, reason: detail, passage }, 'lane alarm');
    this.core.guard('journal', () => ports.journal.publish('event/alarm', { source: 'flow', kind, reason: detail, passage, at: this.core.now() }), undefined);
  }
}
