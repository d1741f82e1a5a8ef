import { type ConfigIssue, EX_CONFIG, formatIssue } from './config-issue.js';
import { loadConfigFile, type LoadOptions } from './load.js';

export interface ConfigCheckReport {
  /** 0 when valid, EX_CONFIG (78) otherwise: the same code the daemon would exit with. */
  exitCode: 0 | typeof EX_CONFIG;
  /** Lines to print, one issue per line (with the source line when known). */
  lines: string[];
}

function renderIssue(issue: ConfigIssue): string {
  return issue.line === undefined ? formatIssue(issue) : `${formatIssue(issue)} (line ${issue.line})`;
}

/** `lanectl config check FILE`: everything the daemon checks at start, without starting anything. */
export function checkConfigFile(path: string, opts: LoadOptions = {}): ConfigCheckReport {
  const result = loadConfigFile(path, opts);
  if (!result.ok) {
    const count = result.issues.length;
    return {
      exitCode: EX_CONFIG,
      lines: [`${path}: ${count} problem${count === 1 ? '' : 's'}`, ...result.issues.map((issue) => `  ${renderIssue(issue)}`)],
    };
  }
  const { lane, devices } = result.config;
  const lines = [
    `${path}: OK (lane ${lane.id} at ${lane.site}, ${lane.kind} ${lane.direction}, ${devices.length} device${devices.length === 1 ? '' : 's'})`,
    ...result.overrides.map((override) => `  override: ${override}`),
  ];
  return { exitCode: 0, lines };
}
