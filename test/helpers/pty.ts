/**
 * A pair of connected pseudo-terminals made by socat, standing in for a serial cable: a simulator
 * opens one end, the driver the other. Each end is reached through a symlink (like
 * /dev/serial/by-id/...), so "unplug" (kill socat: the ptys and the links go away) and
 * "replug" (a new socat with the same link paths) look to the driver like a USB device coming and going.
 *
 *   const pty = await startPtyPair();
 *   ... sim on pty.a, driver on pty.b ...
 *   await pty.close();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PtyPair {
  /** Directory holding the links. */
  readonly dir: string;
  /** Link to the first pty (the simulator's end by convention). */
  readonly a: string;
  /** Link to the second pty (the driver's end). */
  readonly b: string;
  readonly plugged: boolean;
  /** Kills socat (SIGKILL: no goodbye, as when the cable is pulled), waits for it, removes the links. */
  unplug(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a new socat with the same link paths. */
  replug(): Promise<void>;
  /** Kills socat (if running) and removes the directory. */
  close(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the links; a fresh temp directory (removed on close) by default. */
  dir?: string;
  names?: [string, string];
  /** Give up waiting for socat after this long (a generous bound on a loaded machine). */
  startTimeoutMs?: number;
}

/** Null when socat can be run, else a message naming what is missing (for a skip reason). */
export function socatMissing(): string | null {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  return probe.error ? `socat not found on PATH (${probe.error.message}); install it: apt-get install -y socat` : null;
}

export async function startPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'lane-pty-'));
  const [nameA, nameB] = opts.names ?? ['a', 'b'];
  const a = join(dir, nameA);
  const b = join(dir, nameB);
  const timeoutMs = opts.startTimeoutMs ?? 10_000;
  let child: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`socat did not start within ${timeoutMs} ms: ${log.trim()}`)), timeoutMs);
      const check = (): void => {
        if (log.includes('starting data transfer loop') && existsSync(a) && existsSync(b)) done(null);
      };
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        check();
      };
      const onExit = (code: number | null): void => done(new Error(`socat exited (${code}) before it was ready: ${log.trim()}`));
      const onError = (err: Error): void => done(err);
      function done(err: Error | null): void {
        clearTimeout(timer);
        proc.stderr?.off('data', onData);
        proc.off('exit', onExit);
        proc.off('error', onError);
        // Keep draining stderr so socat never blocks on a full pipe.
        proc.stderr?.resume();
        if (err) {
          proc.kill('SIGKILL');
          reject(err);
        } else resolve();
      }
      proc.stderr?.on('data', onData);
      proc.once('exit', onExit);
      proc.once('error', onError);
    });
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      // 'close' (not 'exit') so the stderr pipe is gone too: leak checks count it.
      const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));
      proc.kill(signal);
      await closed;
    }
    // As udev does on a real unplug. A link left dangling after SIGKILL would come back to life
    // when another process gets the same /dev/pts number, and the driver would open a stranger's pty.
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  };

  await launch();
  return {
    dir,
    a,
    b,
    get plugged() {
      return child !== null;
    },
    unplug: (signal = 'SIGKILL') => kill(signal),
    async replug() {
      if (child) throw new Error('pty pair is still plugged');
      await launch();
    },
    async close() {
      await kill('SIGTERM');
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
