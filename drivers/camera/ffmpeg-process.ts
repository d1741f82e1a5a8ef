import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '../../src/util/clock.js';

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the executable could not be started at all (ENOENT, EACCES). */
  spawnError: NodeJS.ErrnoException | null;
}

export interface FfmpegProcessOptions {
  ffmpegPath: string;
  args: readonly string[];
  clock: Clock;
  /** Every chunk of stdout, as it arrives; stdout is never paused. */
  onStdout(chunk: Buffer): void;
  /** Each non-empty stderr line (ffmpeg's errors, with -loglevel error). */
  onStderrLine(line: string): void;
  /** Called once, after the process and all its pipes are closed. */
  onExit(exit: FfmpegExit): void;
  /** Time between SIGTERM and SIGKILL in stop(). Default 1500 ms. */
  killGraceMs?: number;
}

/** Longest stderr line kept; ffmpeg's lines are short, a runaway one is noise. */
const MAX_LINE = 500;

/**
 * One ffmpeg child: spawn, stream stdout and stderr lines, stop. Stopping sends SIGTERM first, because
 * ffmpeg then closes its input properly (an RTSP TEARDOWN frees the session slot on cameras that allow
 * only a few), and SIGKILL after a grace period, because ffmpeg blocked on a frozen camera may not react.
 */
export class FfmpegProcess {
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private readonly clock: Clock;
  private readonly killGraceMs: number;
  private exited = false;
  private stderrTail = '';

  constructor(opts: FfmpegProcessOptions) {
    this.clock = opts.clock;
    this.killGraceMs = opts.killGraceMs ?? 1_500;
    // detached: ffmpeg gets its own process group, so a Ctrl-C meant for the daemon's terminal does not
    // reach it directly (the daemon stops it in order), and stop() can signal the whole group.
    this.child = spawn(opts.ffmpegPath, opts.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let spawnError: NodeJS.ErrnoException | null = null;
    this.child.on('error', (err: NodeJS.ErrnoException) => {
      // Spawn failures arrive here (followed by 'close'); a failed kill() of a dead process too (ignored).
      if (this.child.pid === undefined) spawnError = err;
    });
    this.child.stdout?.on('data', opts.onStdout);
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => this.splitStderr(text, opts.onStderrLine));
    this.closed = new Promise<void>((resolve) => {
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.exited = true;
        if (this.stderrTail.trim() !== '') opts.onStderrLine(this.stderrTail.trim().slice(0, MAX_LINE));
        this.stderrTail = '';
        resolve();
        opts.onExit({ code: spawnError ? null : code, signal, spawnError });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Ends the process (SIGTERM, then SIGKILL after the grace period) and resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.exited) return this.closed;
    this.signal('SIGTERM');
    let escalation: TimerHandle | null = this.clock.setTimeout(() => {
      escalation = null;
      this.signal('SIGKILL');
    }, this.killGraceMs);
    await this.closed;
    escalation?.cancel();
  }

  /** Kills at once, without waiting (the watchdog's case: the process is known to be stuck). */
  kill(): void {
    if (!this.exited) this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exited) return;
    try {
      process.kill(-pid, signal); // the group: ffmpeg and anything it started
    } catch {
      this.child.kill(signal);
    }
  }

  private splitStderr(text: string, onLine: (line: string) => void): void {
    const lines = (this.stderrTail + text).split(/\r?\n|\r/);
    this.stderrTail = (lines.pop() ?? '').slice(-MAX_LINE);
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed !== '') onLine(trimmed.slice(0, MAX_LINE));
    }
  }
}
