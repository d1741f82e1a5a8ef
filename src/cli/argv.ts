import { UsageError } from '../control/command-spec.js';

/** Options every lanectl command accepts, wherever they appear on the line. */
export interface GlobalOptions {
  json: boolean;
  help: boolean;
  socket?: string;
  lane?: string;
  timeoutMs?: number;
}

export interface ParsedArgv {
  globals: GlobalOptions;
  /** Everything that is not a global option, in order: command words, then its arguments. */
  words: string[];
}

const VALUE_OPTIONS = new Set(['--socket', '--lane', '--timeout']);

/** Whether --json was asked for, looked up before parsing so even a usage error answers in JSON. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

function parseTimeout(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 3_600_000) {
    throw new UsageError(`--timeout wants milliseconds between 1 and 3600000, got '${text}'`);
  }
  return Number(text);
}

/**
 * Takes the global options out of argv (`--socket PATH` or `--socket=PATH`); words after `--`
 * are left alone for the command, `--` included, so `config check -- -odd-name.yaml` works.
 */
export function parseArgv(argv: readonly string[]): ParsedArgv {
  const globals: GlobalOptions = { json: false, help: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      words.push(...argv.slice(i));
      break;
    }
    if (word === '--json') {
      globals.json = true;
      continue;
    }
    if (word === '--help' || word === '-h') {
      globals.help = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (!VALUE_OPTIONS.has(name)) {
      words.push(word);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = word.slice(eq + 1);
    else {
      // `--socket --json` is a forgotten value, not a socket named "--json".
      value = argv[i + 1]?.startsWith('--') ? undefined : argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (name === '--socket') globals.socket = value;
    else if (name === '--lane') globals.lane = value;
    else globals.timeoutMs = parseTimeout(value);
  }
  return { globals, words };
}
