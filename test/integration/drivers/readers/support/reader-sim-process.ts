/**
 * Runs a reader simulator as a child process, as the demo does: the compiled
 * dist/drivers/sim/run-serial-sim.js on one end of a pty pair, or dist/drivers/sim/run-llrp-sim.js on a
 * loopback port (built by the test globalSetup, test/helpers/build-once.ts). Steps go over stdin and
 * resolve when the simulator has sent their bytes; its events (host commands it understood,
 * closed/reopened ports, LLRP connections) are collected for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
const SERIAL_ENTRY = join(projectRoot, 'dist', 'drivers', 'sim', 'run-serial-sim.js');
const LLRP_ENTRY = join(projectRoot, 'dist', 'drivers', 'sim', 'run-llrp-sim.js');

export type SimEvent = Record<string, unknown> & { event: string };

export interface ReaderSimProcess {
  /** Sends one step; resolves after the simulator reports it done, rejects with its reason. */
  send(step: Record<string, unknown>): Promise<void>;
  /** Everything the simulator reported, in order. */
  readonly events: SimEvent[];
  /** Names of the host commands the device understood, in order. */
  commands(): string[];
  /** Resolves when an event matching `predicate` has been reported (already or later). */
  waitFor(what: string, predicate: (event: SimEvent) => boolean, timeoutMs?: number): Promise<SimEvent>;
  /** The `ready` event (for LLRP it carries the port). */
  readonly ready: SimEvent;
  stop(): Promise<void>;
}

export type SimLaunch =
  | { kind: 'serial'; device: 'scanner' | 'mrz' | 'uhfreader18' | 'r2000'; path: string; options?: Record<string, unknown> }
  | { kind: 'llrp'; port?: number; options?: Record<string, unknown> };

export async function startReaderSim(launch: SimLaunch, readyTimeoutMs = 20_000): Promise<ReaderSimProcess> {
  const entry = launch.kind === 'serial' ? SERIAL_ENTRY : LLRP_ENTRY;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` (vitest's globalSetup builds it for integration runs)`);
  const args =
    launch.kind === 'serial'
      ? [entry, '--device', launch.device, '--path', launch.path, '--reopen', '--options', JSON.stringify(launch.options ?? {})]
      : [entry, '--port', String(launch.port ?? 0), '--options', JSON.stringify(launch.options ?? {})];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const events: SimEvent[] = [];
  const watchers = new Set<() => void>();
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let seq = 0;

  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: SimEvent & { seq?: number; ok?: boolean; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (typeof msg.seq === 'number') {
      const pending = waiting.get(msg.seq);
      waiting.delete(msg.seq);
      if (msg.ok) pending?.resolve();
      else pending?.reject(new Error(`simulator refused step ${msg.seq}: ${msg.error ?? 'unknown'}`));
      return;
    }
    events.push(msg);
    for (const watcher of [...watchers]) watcher();
  });
  void exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`simulator exited: ${stderr.trim()}`));
    waiting.clear();
    for (const watcher of [...watchers]) watcher();
  });

  const waitFor = (what: string, predicate: (event: SimEvent) => boolean, timeoutMs = 15_000): Promise<SimEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find(predicate);
        if (found) finish(null, found);
        else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`simulator exited before ${what}: ${stderr.trim()}`));
      };
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
      function finish(err: Error | null, event?: SimEvent): void {
        clearTimeout(timer);
        watchers.delete(check);
        if (err) reject(err);
        else resolve(event!);
      }
      watchers.add(check);
      check();
    });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(killTimer);
    }
    await exited;
  };

  let ready: SimEvent;
  try {
    ready = await waitFor('ready', (e) => e.event === 'ready', readyTimeoutMs);
  } catch (err) {
    await stop();
    throw new Error(`reader simulator did not become ready: ${(err as Error).message}`);
  }

  return {
    events,
    ready,
    commands: () => events.filter((e) => e.event === 'command').map((e) => String(e.name)),
    waitFor,
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
