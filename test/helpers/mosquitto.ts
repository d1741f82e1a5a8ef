import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, canConnect } from '../../src/util/tcp-port.js';
import { MOSQUITTO_BIN, mosquittoConfLines } from '../../src/chaos/mosquitto-process.js';

export { MOSQUITTO_BIN };

/**
 * A real Mosquitto (Debian package, /usr/sbin/mosquitto) on a free loopback port with a generated
 * config in a temp dir. Fault tests stop it (SIGTERM: a clean restart that saves its persistence
 * file) or kill it (SIGKILL: everything since the last save is lost) and start it again on the
 * same port. `close()` always kills it and removes the dir; call it in afterEach/afterAll.
 */
export function mosquittoAvailable(): boolean {
  return existsSync(MOSQUITTO_BIN);
}

export interface MosquittoOptions {
  /** Keep sessions, subscriptions, retained and queued messages across a clean restart. */
  persistence?: boolean;
  /** Extra mosquitto.conf lines. */
  extra?: string[];
}

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** stdout+stderr of every run so far, for failure messages. */
  log(): string;
  start(): Promise<void>;
  /** SIGTERM (mosquitto writes its persistence file) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-mosq-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const lines = [...mosquittoConfLines(port, dir, opts.persistence ?? false), ...(opts.extra ?? [])];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | null = null;
  let output = '';
  let exited: Promise<void> = Promise.resolve();

  const handle: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    log: () => output,
    async start() {
      if (child !== null) throw new Error('mosquitto already running');
      const proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      exited = new Promise((resolve) =>
        proc.once('exit', () => {
          child = null;
          resolve();
        }),
      );
      const deadline = Date.now() + 5_000;
      while (!(await canConnect(port))) {
        if (child === null || Date.now() > deadline) throw new Error(`mosquitto did not start on ${port}: ${output}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child === null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child === null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      await handle.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
