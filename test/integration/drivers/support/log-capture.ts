import { LogHub } from '../../../../src/util/logger.js';

/**
 * A LogHub writing JSON lines into memory, so tests can check what drivers log (and that no code
 * content, which may be personal data, ever reaches a log line).
 */
export function captureLogs(): { hub: LogHub; lines: string[]; text(): string } {
  const lines: string[] = [];
  const hub = new LogHub({
    level: 'debug',
    throttleWindowMs: 0,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { hub, lines, text: () => lines.join('') };
}
