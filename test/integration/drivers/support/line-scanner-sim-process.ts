/**
 * Runs the compiled simulator (dist/drivers/sim/run-line-scanner-sim.js, built by the test
 * globalSetup test/helpers/build-once.ts, as the demo runs it) as a child process on one end of a
 * pty pair, and talks to it over stdin/stdout: each step resolves once the simulator has drained
 * its bytes to the pty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimStep } from '../../../../drivers/sim/line-scanner-sim.js';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const SIM_ENTRY = join(projectRoot, 'dist', 'drivers', 'sim', 'run-line-scanner-sim.js');

export interface SimProcessOptions {
  path: string;
  suffix: 'cr' | 'crlf' | 'lf' | 'none';
  prefix?: string;
  pauseMs?: number;
  readyTimeoutMs?: number;
}

export interface SimProcess {
  /** Sends one step; resolves after the simulator reports it written, rejects with its reason. */
  send(step: SimStep | Record<string, unknown>): Promise<void>;
  /** Resolves when the process has exited (e.g. after an unplug closed its port). */
  readonly exited: Promise<void>;
  /** Ends the process (closing stdin first, SIGKILL if it lingers) and waits for it. */
  stop(): Promise<void>;
}

export async function startSimProcess(opts: SimProcessOptions): Promise<SimProcess> {
  if (!existsSync(SIM_ENTRY)) throw new Error(`${SIM_ENTRY} is missing: run \`npm run build\` first`);
  const args = [SIM_ENTRY, '--path', opts.path, '--suffix', opts.suffix];
  if (opts.prefix !== undefined) args.push('--prefix', opts.prefix);
  if (opts.pauseMs !== undefined) args.push('--pause-ms', String(opts.pauseMs));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let seq = 0;
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });

  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let msg: { event?: string; seq?: number; ok?: boolean; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (msg.event === 'ready') readyResolve();
    if (typeof msg.seq === 'number') {
      const pending = waiting.get(msg.seq);
      waiting.delete(msg.seq);
      if (msg.ok) pending?.resolve();
      else pending?.reject(new Error(`simulator refused step ${msg.seq}: ${msg.error ?? 'unknown'}`));
    }
  });
  void exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`simulator exited: ${stderr.trim()}`));
    waiting.clear();
  });

  const timeoutMs = opts.readyTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killTimer);
    }
    await exited;
  };
  if (outcome !== 'ready') {
    await stop();
    throw new Error(`line scanner simulator did not become ready (${outcome}): ${stderr.trim()}`);
  }

  return {
    exited,
    stop,
    send(step) {
      seq += 1;
      const id = seq;
      return new Promise<void>((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null || !child.stdin?.writable) {
          reject(new Error(`simulator is not running: ${stderr.trim()}`));
          return;
        }
        waiting.set(id, { resolve, reject });
        child.stdin.write(`${JSON.stringify(step)}\n`);
      });
    },
  };
}
