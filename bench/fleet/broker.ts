import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, canConnect } from '../../src/util/tcp-port.js';
export { freePort };

/**
 * One Mosquitto for the fleet bench (Debian package, /usr/sbin/mosquitto, or MOSQUITTO_BIN), on a free
 * loopback port, configured as a small site would run it: no connection limit, a deep queue per client.
 * The same shape as test/helpers/mosquitto.ts, which the bench cannot import (tests are not compiled).
 */
export const MOSQUITTO_BIN = process.env['MOSQUITTO_BIN'] ?? '/usr/sbin/mosquitto';

export interface Broker {
  url: string;
  /** The running broker's pid (changes on restart). */
  pid(): number;
  log(): string;
  /** SIGTERM, wait, start again on the same port: every client must reconnect. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBroker(dir: string): Promise<Broker> {
  if (!existsSync(MOSQUITTO_BIN)) throw new Error(`${MOSQUITTO_BIN} not found: apt-get install mosquitto (or set MOSQUITTO_BIN)`);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'max_queued_messages 100000',
    ...(process.getuid?.() === 0 ? ['user root'] : []),
  ];
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | null = null;
  let output = '';
  let exited: Promise<void> = Promise.resolve();
  const launch = async (): Promise<void> => {
    const proc = spawn(MOSQUITTO_BIN, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4_000)));
    exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start on ${port}: ${output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pid: () => child?.pid ?? -1,
    log: () => output,
    async restart() {
      await stop();
      await launch();
    },
    stop,
  };
}
