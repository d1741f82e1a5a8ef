import type { z } from 'zod';
import type { ControlContext, VersionInfo } from './contract.js';

/**
 * One lanectl command, server and client halves together, in one file under
 * src/control/commands/. Adding a command = one new file + one line in commands/index.ts.
 *
 * Human output is described, not printed: commands return HumanBlocks and the CLI renders
 * them (src/cli/render.ts). That keeps control/ free of any import from cli/ (the dependency
 * runs cli -> control only).
 */
export type HumanBlock =
  | { kind: 'text'; text: string }
  /** Label/value pairs, labels aligned. */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [string, string]> }
  | { kind: 'table'; columns: readonly string[]; rows: ReadonlyArray<readonly string[]> };

export interface FormatContext {
  /** Epoch ms on the client, for "since" columns (injected so output is reproducible). */
  now: number;
}

/** Raised by parseCli for bad command-line arguments: lanectl prints usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What lanectl prints and returns for one command run. */
export interface CommandOutcome {
  exitCode: number;
  /** Printed as the last line of stdout with --json. */
  json: unknown;
  /** Printed with human output; errors go to stderr when exitCode is not 0. */
  human: HumanBlock[];
  /**
   * Reports (eval, bench-like commands) print their table with --json too, before the JSON
   * line, so one run gives both a reader and a script what they need.
   */
  humanAlsoWithJson?: boolean;
}

export interface ClientRunContext<A, R> {
  json: boolean;
  clientVersion: VersionInfo;
  /** Sends the request to the daemon; throws ControlRequestError (src/control/client.ts). */
  call(args: A): Promise<R>;
  /** Progress for people (one line, no newline) on stderr; absent with --json. For long requests such as `test camera`. */
  progress?: (line: string) => void;
}

interface CommandBase<A> {
  /** Words as typed after `lanectl`; also the `cmd` on the wire, e.g. `log level`. */
  readonly name: string;
  /** One line for `lanectl --help`. */
  readonly summary: string;
  /** Argument synopsis after the name, e.g. `[LEVEL]`; empty when the command takes none. */
  readonly usage: string;
  /** Extra lines for `lanectl <name> --help`. */
  readonly help?: string;
  /**
   * Builds the args from what followed the command words (global options already removed).
   * Throws UsageError on anything it does not accept.
   */
  parseCli(rest: readonly string[]): A;
}

/*
 * Members are declared with method syntax on purpose: method parameters are bivariant, which
 * lets the registry hold commands of different arg/result types as RegisteredCommand. The
 * server only passes a handler what that command's own `args` schema produced.
 */
export interface RemoteCommandSpec<A, R> extends CommandBase<A> {
  readonly local?: false;
  /** Validates args arriving over the socket (never trust the client). */
  readonly args: z.ZodType<A>;
  /** Default reply timeout for lanectl when --timeout is not given (ms). */
  readonly timeoutMs?: number;
  handle(ctx: ControlContext, args: A): R | Promise<R>;
  formatHuman(result: R, args: A, fmt: FormatContext): HumanBlock[];
  /** Exit code for a successful reply (e.g. health: 1 when a service is degraded). Default 0. */
  exitCode?(result: R): number;
  /** Replaces the default call-then-format flow on the client (e.g. version without daemon). */
  clientRun?(ctx: ClientRunContext<A, R>, args: A, fmt: FormatContext): Promise<CommandOutcome>;
}

export interface LocalEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Runs inside lanectl with no daemon (e.g. `config check FILE`). */
export interface LocalCommandSpec<A> extends CommandBase<A> {
  readonly local: true;
  runLocal(args: A, env: LocalEnvironment): Promise<CommandOutcome>;
}

export type RegisteredCommand = RemoteCommandSpec<unknown, unknown> | LocalCommandSpec<unknown>;

/** Identity helpers that let TypeScript infer A and R from the object literal. */
export function defineRemoteCommand<A, R>(spec: RemoteCommandSpec<A, R>): RemoteCommandSpec<A, R> {
  return spec;
}

export function defineLocalCommand<A>(spec: LocalCommandSpec<A>): LocalCommandSpec<A> {
  return spec;
}

export function isRemote(cmd: RegisteredCommand): cmd is RemoteCommandSpec<unknown, unknown> {
  return cmd.local !== true;
}
