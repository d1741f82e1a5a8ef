import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { TypedEmitter } from '../util/typed-events.js';

export interface ManagedChildOptions {
  /** Short name for messages, e.g. `socat qr-entry`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go to this file (appended) as well as to 'line' listeners. */
  logFile?: string;
  /** Keep stdin open as a pipe (simulators take their steps there). */
  stdin?: boolean;
}

type ChildEvents = { line: [line: string]; exit: [code: number | null, signal: NodeJS.Signals | null] };

/**
 * One child process of the demo. Each is started in its own process group (`detached`), so Ctrl-C in
 * the terminal reaches only the orchestrator, which then stops the children in order (lanes first, the
 * devices they talk to last). `stop()` sends SIGTERM, waits, then SIGKILLs the group.
 */
export class ManagedChild extends TypedEmitter<ChildEvents> {
  readonly name: string;
  private readonly proc: ChildProcess;
  private readonly log: WriteStream | null;
  private exited: Promise<void>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private tail: string[] = [];

  constructor(opts: ManagedChildOptions) {
    super();
    this.name = opts.name;
    this.log = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a', mode: 0o640 }) : null;
    const spawnOpts: SpawnOptions = {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    };
    this.proc = spawn(opts.command, [...opts.args], spawnOpts);
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (this.exitInfo !== null) return;
        this.exitInfo = { code, signal };
        this.log?.end();
        this.emit('exit', code, signal);
        resolve();
      };
      this.proc.once('close', ended);
      // A command that cannot be started (not installed) may never emit 'close'.
      this.proc.once('error', (err) => {
        this.remember(`${this.name}: cannot start ${opts.command}: ${err.message}`);
        if (this.proc.pid === undefined) ended(null, null);
      });
    });
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.log?.write(`${line}\n`);
        this.remember(line);
        this.emit('line', line);
      });
    }
    this.proc.stdin?.on('error', () => undefined); // a child that died: its exit is reported instead
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** The last lines it printed (for error messages when it dies early). */
  lastLines(): string[] {
    return [...this.tail];
  }

  writeLine(line: string): void {
    if (!this.proc.stdin || this.proc.stdin.destroyed) throw new Error(`${this.name} takes no input (it has exited)`);
    this.proc.stdin.write(`${line}\n`);
  }

  /** Resolves with the first line `match` accepts; rejects when the child exits or the time is up. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onLine = (line: string): void => {
        const found = match(line);
        if (found !== undefined) finish(null, found);
      };
      const onExit = (): void => finish(new Error(`${this.name} exited while waiting for ${what}: ${this.tail.slice(-3).join(' | ')}`));
      const timer = setTimeout(() => finish(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      const finish = (err: Error | null, value?: T): void => {
        clearTimeout(timer);
        this.off('line', onLine);
        this.off('exit', onExit);
        if (err) reject(err);
        else resolve(value as T);
      };
      this.on('line', onLine);
      this.on('exit', onExit);
      if (!this.running) onExit();
    });
  }

  /** SIGTERM (or `signal`), then SIGKILL of the whole group after `graceMs`. Resolves once it is gone. */
  async stop(graceMs = 8_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.running) return this.exited;
    this.proc.stdin?.end();
    this.signalGroup(signal);
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Last resort when the orchestrator itself is exiting: synchronous, no waiting. */
  killNow(): void {
    if (this.running) this.signalGroup('SIGKILL');
  }

  exitDescription(): string {
    const info = this.exitInfo;
    if (info === null) return 'running';
    return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.proc.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        this.proc.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 20) this.tail.shift();
  }
}
