/** What a flow or interlock step did with one request, for the control commands' answers. */
export interface StepReport {
  flowIgnored: string[];
  rejects: Array<{ barrier?: string; reason: string }>;
  deferred: Array<{ barrier: string; waitingFor: string[] }>;
  actuated: Array<{ barrier: string; action: string }>;
  changed: boolean;
}

export function emptyReport(): StepReport {
  return { flowIgnored: [], rejects: [], deferred: [], actuated: [], changed: false };
}

/** Adds `from` to `into` (and returns `into`). */
export function merge(into: StepReport, from: StepReport): StepReport {
  into.flowIgnored.push(...from.flowIgnored);
  into.rejects.push(...from.rejects);
  into.deferred.push(...from.deferred);
  into.actuated.push(...from.actuated);
  into.changed ||= from.changed;
  return into;
}
