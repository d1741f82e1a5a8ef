import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Child processes of the fleet bench (lane daemons, load lanes) and the polling helpers around them.
 * Plain spawn, not the demo's ManagedChild: the bench needs the pid for /proc figures and the stdout
 * of load lanes line by line, and must never write per-lane log files for dozens of lanes.
 */
export interface Child {
  lane: string;
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function spawnChild(cwd: string, lane: string, args: string[], env: NodeJS.ProcessEnv, stdout: 'ignore' | 'pipe'): Child {
  // NOTIFY_SOCKET / WATCHDOG_USEC cleared: a bench started from a systemd unit must not let the
  // children talk to that unit's notify socket.
  const proc = spawn(process.execPath, args, { cwd, env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', ...env }, stdio: ['pipe', stdout, 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2_000)));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { lane, proc, stderr: () => err, exited };
}

export const running = (c: Child): boolean => c.proc.exitCode === null && c.proc.signalCode === null;

/** SIGTERM to all, up to 15 s for them to journal and say goodbye, then SIGKILL what is left. */
export async function stopAll(children: readonly Child[]): Promise<void> {
  for (const c of children) if (running(c)) c.proc.kill('SIGTERM');
  const deadline = new Promise((r) => setTimeout(r, 15_000));
  await Promise.race([Promise.all(children.map((c) => c.exited)), deadline]);
  for (const c of children) if (running(c)) c.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
}

/** The first child that exited on its own, as a reason, or null. */
export function deadChild(children: readonly Child[], what: string): string | null {
  const dead = children.find((c) => c.proc.exitCode !== null);
  return dead ? `${what} ${dead.lane} exited ${dead.proc.exitCode}: ${dead.stderr()}` : null;
}

/** Polls until `done()` or the timeout; returns the elapsed ms, or null on timeout. */
export async function until(done: () => boolean, timeoutMs: number, failFast?: () => string | null): Promise<number | null> {
  const t0 = performance.now();
  while (!done()) {
    const failure = failFast?.();
    if (failure) throw new Error(failure);
    if (performance.now() - t0 > timeoutMs) return null;
    await sleep(25);
  }
  return performance.now() - t0;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
