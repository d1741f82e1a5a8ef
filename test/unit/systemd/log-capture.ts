import { LogHub } from '../../../src/util/logger.js';

export interface LogLine {
  level: string;
  msg: string;
  component?: string;
  err?: { message?: string; code?: string };
  [field: string]: unknown;
}

/** A LogHub whose JSON lines are kept in memory, so tests can read what was logged. */
export function captureLogs(): { hub: LogHub; lines: LogLine[] } {
  const lines: LogLine[] = [];
  // Throttling is the component's own job here; the hub's window would hide repeats.
  const hub = new LogHub({
    level: 'debug',
    throttleWindowMs: 0,
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
  return { hub, lines };
}
