import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Child processes for command-line GPIO tools: short runs (gpioget, --version) and long-lived ones
 * (gpiomon, gpioset --mode=wait). Every process started here is ended and awaited by its owner, so a
 * closed driver leaves no child behind.
 */
export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class ToolSpawnError extends Error {
  readonly code: string;
  constructor(command: string, err: NodeJS.ErrnoException) {
    super(`cannot run ${command}: ${err.code ?? err.message}`);
    this.name = 'ToolSpawnError';
    this.code = err.code ?? 'ESPAWN';
  }
}

/** Runs a tool to completion; kills it after timeoutMs (a hung tool must not hang open()). */
export function runTool(command: string, args: readonly string[], timeoutMs: number): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // Node's own timer here: this is process plumbing, not lane time (a fake clock must not stall it).
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new ToolSpawnError(command, err));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A long-lived tool process; `stop()` ends it politely (EOF on stdin), then by signal. */
export class HeldProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited (or failed to start). */
  readonly exited: Promise<ToolResult>;
  private stderrText = '';
  private stopping = false;

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (this.stderrText.length < 4_096) this.stderrText += d;
    });
    // Writing to a tool that already died must not crash the daemon with EPIPE.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err: NodeJS.ErrnoException) => {
        this.stderrText += `cannot run ${command}: ${err.code ?? err.message}`;
        resolve({ code: null, signal: null, stdout: '', stderr: this.stderrText });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: '', stderr: this.stderrText }));
    });
  }

  /** Resolves once the OS started the process; rejects when it could not be started at all. */
  started(): Promise<void> {
    if (this.child.pid !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.child.once('spawn', () => resolve());
      this.child.once('error', (err: NodeJS.ErrnoException) => reject(new ToolSpawnError(String(this.child.spawnfile), err)));
    });
  }

  get stopRequested(): boolean {
    return this.stopping;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** EOF on stdin first (gpioset --mode=wait exits on it), SIGTERM after graceMs, SIGKILL after twice that. */
  async stop(graceMs = 500): Promise<ToolResult> {
    this.stopping = true;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.stdin.end();
      const term = setTimeout(() => this.child.kill('SIGTERM'), graceMs);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), graceMs * 2);
      const result = await this.exited;
      clearTimeout(term);
      clearTimeout(kill);
      return result;
    }
    return this.exited;
  }
}
