import { describe, expect, it } from 'vitest';
import { parseArgv, wantsJson } from '../../../src/cli/argv.js';
import { UsageError } from '../../../src/control/command-spec.js';

describe('parseArgv', () => {
  it('takes global options from anywhere, in both spellings', () => {
    expect(parseArgv(['--json', 'log', '--socket=/x.sock', 'level', 'debug', '--timeout', '250', '--lane', 'g1'])).toEqual({
      globals: { json: true, help: false, socket: '/x.sock', lane: 'g1', timeoutMs: 250 },
      words: ['log', 'level', 'debug'],
    });
  });

  it('leaves unknown options and everything after -- to the command', () => {
    expect(parseArgv(['config', 'check', '--strict', '--', '--json']).words).toEqual(['config', 'check', '--strict', '--', '--json']);
    expect(parseArgv(['config', 'check', '--', '--json']).globals.json).toBe(false);
    expect(wantsJson(['x', '--', '--json'])).toBe(false);
    expect(wantsJson(['x', '--json'])).toBe(true);
  });

  it.each([[['--socket']], [['--socket', '--json']], [['--lane=']], [['--timeout', '0']], [['--timeout', '1.5']], [['--timeout', '99999999']]])(
    'refuses %j',
    (argv) => {
      expect(() => parseArgv(argv)).toThrow(UsageError);
    },
  );
});
