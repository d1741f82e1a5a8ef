import { isRemote, UsageError, type CommandOutcome, type FormatContext, type RemoteCommandSpec } from '../control/command-spec.js';
import { COMMANDS } from '../control/commands/index.js';
import { ControlRequestError, request } from '../control/client.js';
import { CommandRegistry } from '../control/registry.js';
import { parseArgv, wantsJson, type GlobalOptions } from './argv.js';
import { clientVersion } from './client-version.js';
import { commandHelp, generalHelp, groupHelp, suggestions } from './help.js';
import { renderBlocks } from './render.js';
import { resolveSocketPath } from './socket-path.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** sysexits EX_UNAVAILABLE: the daemon is not reachable. */
export const EXIT_UNAVAILABLE = 69;

export interface LanectlIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Directory of per-lane sockets; /run/lane-controller unless a test says otherwise. */
  runDir?: string;
  /** Client clock for "since" columns; tests fix it. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

class Output {
  constructor(
    private readonly io: LanectlIo,
    readonly json: boolean,
  ) {}

  outcome(outcome: CommandOutcome): number {
    if (!this.json || outcome.humanAlsoWithJson) this.io.stdout.write(renderBlocks(outcome.human));
    if (this.json) this.io.stdout.write(`${JSON.stringify(outcome.json)}\n`);
    return outcome.exitCode;
  }

  /** A failure: message on stderr for people, the error object on stdout for --json. */
  error(code: string, message: string, exitCode: number, extraStderr = ''): number {
    if (extraStderr) this.io.stderr.write(extraStderr);
    this.io.stderr.write(`lanectl: ${message}\n`);
    if (this.json) this.io.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
    return exitCode;
  }

  help(text: string, json: unknown): number {
    this.io.stdout.write(text);
    if (this.json) this.io.stdout.write(`${JSON.stringify(json)}\n`);
    return EXIT_OK;
  }
}

function exitCodeForRequestError(err: ControlRequestError): number {
  return err.kind === 'unreachable' || err.kind === 'timeout' ? EXIT_UNAVAILABLE : EXIT_FAILED;
}

async function runRemote(
  command: RemoteCommandSpec<unknown, unknown>,
  args: unknown,
  globals: GlobalOptions,
  io: LanectlIo,
  out: Output,
): Promise<number> {
  const where = resolveSocketPath({ socket: globals.socket, lane: globals.lane, env: io.env, cwd: io.cwd, runDir: io.runDir });
  if (!where.ok && where.usage) return out.error('usage', where.message, EXIT_USAGE);
  const timeoutMs = globals.timeoutMs ?? command.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // No socket found is reported when the daemon is needed, as "unreachable": a command such
  // as version still has something to say without one.
  const call = (a: unknown): Promise<unknown> =>
    where.ok
      ? request(where.path, command.name, (a ?? {}) as Record<string, unknown>, { timeoutMs })
      : Promise.reject(new ControlRequestError('unreachable', 'unreachable', where.message, ''));
  const fmt: FormatContext = { now: (io.now ?? Date.now)() };
  try {
    if (command.clientRun) {
      const progress = out.json ? undefined : (line: string): void => void io.stderr.write(`${line}\n`);
      return out.outcome(await command.clientRun({ json: out.json, clientVersion: clientVersion(), call, ...(progress ? { progress } : {}) }, args, fmt));
    }
    const result = await call(args);
    const exitCode = command.exitCode?.(result) ?? EXIT_OK;
    return out.outcome({ exitCode, json: result, human: command.formatHuman(result, args, fmt) });
  } catch (err) {
    if (err instanceof ControlRequestError) return out.error(err.code, err.message, exitCodeForRequestError(err));
    throw err;
  }
}

async function run(argv: readonly string[], io: LanectlIo, out: Output, registry: CommandRegistry): Promise<number> {
  const { globals, words } = parseArgv(argv);
  if (words.length === 0 || (words.length === 1 && words[0] === 'help')) {
    if (globals.help || words[0] === 'help') {
      const list = registry.all().map((c) => ({ name: c.name, usage: c.usage, summary: c.summary, local: c.local === true }));
      return out.help(generalHelp(registry), { ok: true, commands: list });
    }
    return out.error('usage', 'no command given', EXIT_USAGE, generalHelp(registry));
  }
  const match = registry.match(words);
  if (!match) {
    const leading = words.filter((w) => !w.startsWith('-'));
    for (let n = leading.length; n > 0; n--) {
      const group = registry.startingWith(leading.slice(0, n));
      if (group.length === 0) continue;
      const prefix = leading.slice(0, n).join(' ');
      if (globals.help) return out.help(groupHelp(prefix, group), { ok: true, commands: group.map((c) => c.name) });
      return out.error('usage', `'${prefix}' needs a subcommand`, EXIT_USAGE, groupHelp(prefix, group));
    }
    const near = suggestions(words, registry.all());
    const hint = near.length ? `; did you mean: ${near.join(', ')}?` : '; see lanectl --help';
    return out.error('usage', `unknown command '${words.join(' ')}'${hint}`, EXIT_USAGE);
  }
  const { command, rest } = match;
  if (globals.help) {
    return out.help(commandHelp(command), { ok: true, command: { name: command.name, usage: command.usage, local: command.local === true } });
  }
  let args: unknown;
  try {
    args = command.parseCli(rest);
  } catch (err) {
    if (err instanceof UsageError) return out.error('usage', err.message, EXIT_USAGE, commandHelp(command));
    throw err;
  }
  if (!isRemote(command)) return out.outcome(await command.runLocal(args, { env: io.env, cwd: io.cwd }));
  return runRemote(command, args, globals, io, out);
}

/**
 * lanectl as a function: the bin shim passes process.argv/stdio; tests call it directly.
 * Resolves to the exit code and never throws.
 */
export async function runLanectl(argv: readonly string[], io: LanectlIo): Promise<number> {
  const out = new Output(io, wantsJson(argv));
  try {
    return await run(argv, io, out, new CommandRegistry(COMMANDS));
  } catch (err) {
    if (err instanceof UsageError) return out.error('usage', err.message, EXIT_USAGE);
    const message = err instanceof Error ? err.message : String(err);
    return out.error('internal', `internal error: ${message}`, EXIT_FAILED);
  }
}
