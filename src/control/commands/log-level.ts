import { z } from 'zod';
import type { LogLevel } from '../../util/logger.js';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import { positionals } from './cli-args.js';

/**
 * The same list as util/logger.ts LOG_LEVELS (a unit test keeps them equal). Not imported from
 * there because that module loads pino, which lanectl has no use for at every start.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LogLevel[];

export interface LogLevelArgs {
  level?: LogLevel;
}

export interface LogLevelResult {
  level: LogLevel;
  /** Set when the request changed the level. */
  previous?: LogLevel;
}

function isLogLevel(word: string): word is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(word);
}

export const logLevelCommand = defineRemoteCommand({
  name: 'log level',
  summary: 'show the daemon log level, or set it (not persisted: a restart or reload restores the config)',
  usage: '[LEVEL]',
  help: `LEVEL is one of: ${LOG_LEVELS.join(', ')}`,
  args: z.object({ level: z.enum(LOG_LEVELS).optional() }).strict(),
  parseCli(rest): LogLevelArgs {
    const [word] = positionals('log level', rest, 0, 1);
    if (word === undefined) return {};
    if (!isLogLevel(word)) throw new UsageError(`unknown log level '${word}'; use one of: ${LOG_LEVELS.join(', ')}`);
    return { level: word };
  },
  handle(ctx, args: LogLevelArgs): LogLevelResult {
    const previous = ctx.getLogLevel();
    if (args.level === undefined) return { level: previous };
    ctx.setLogLevel(args.level);
    return { level: ctx.getLogLevel(), previous };
  },
  formatHuman: (r: LogLevelResult) => [
    { kind: 'text', text: r.previous === undefined ? `log level: ${r.level}` : `log level: ${r.level} (was ${r.previous})` },
  ],
});
