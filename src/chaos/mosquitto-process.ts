import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedChild } from '../demo/child-process.js';
import { canConnect } from '../util/tcp-port.js';

export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/**
 * mosquitto.conf for a loopback-only test broker (the chaos run and the test helper share it): anonymous,
 * saves its persistence file every second when `persistence` is on, logs only errors and warnings, and
 * queues plenty for offline persistent sessions. Run as root (containers) it must be told to stay root,
 * or it drops to the `mosquitto` user and cannot write `dir`.
 */
export function mosquittoConfLines(port: number, dir: string, persistence: boolean): string[] {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    `persistence ${persistence ? 'true' : 'false'}`,
    `persistence_location ${dir}/`,
    'autosave_interval 1',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'max_queued_messages 100000',
    ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['user root'] : []),
  ];
}

/**
 * A real Mosquitto for the chaos run (the demo's embedded aedes cannot be stopped and started like a
 * broker process). Persistence is on and stop() is SIGTERM, so the central simulator's persistent
 * session and its queued QoS 1 messages survive a broker restart, as they would on a real server.
 */
export class MosquittoProcess {
  private child: ManagedChild | null = null;
  readonly url: string;

  constructor(
    private readonly dir: string,
    readonly port: number,
    private readonly logFile: string,
  ) {
    this.url = `mqtt://127.0.0.1:${port}`;
  }

  static available(): boolean {
    return existsSync(MOSQUITTO_BIN);
  }

  async start(timeoutMs = 10_000): Promise<void> {
    if (this.child?.running) return;
    mkdirSync(this.dir, { recursive: true });
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(conf, `${mosquittoConfLines(this.port, this.dir, true).join('\n')}\n`);
    this.child = new ManagedChild({ name: 'mosquitto', command: MOSQUITTO_BIN, args: ['-c', conf], logFile: this.logFile });
    const deadline = Date.now() + timeoutMs;
    while (!(await canConnect(this.port))) {
      if (!this.child.running || Date.now() > deadline) throw new Error(`mosquitto did not start on ${this.port}: ${this.child.lastLines().slice(-3).join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM: mosquitto saves its persistence file and exits. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child) await child.stop(5_000);
  }

  get running(): boolean {
    return this.child?.running ?? false;
  }
}
