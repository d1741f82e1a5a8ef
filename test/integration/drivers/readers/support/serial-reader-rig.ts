/**
 * A serial reader driver on a real pty pair (socat) with its simulator as a child process on the other
 * end. Unplug kills socat with SIGKILL (no goodbye, dangling links, like pulling the cable); the
 * simulator stays alive and reopens its end when the pty is back (`--reopen`), starting from its
 * power-on state, which is what a replugged device does.
 */
import type { Clock } from '../../../../../src/util/clock.js';
import { systemClock } from '../../../../../src/util/clock.js';
import { LogHub, type Logger } from '../../../../../src/util/logger.js';
import { LogCapture } from '../../../../helpers/log-capture.js';
import { startPtyPair, type PtyPair } from '../../../../helpers/pty.js';
import { startReaderSim, type ReaderSimProcess } from './reader-sim-process.js';

export interface SerialReaderRig<D> {
  driver: D;
  pty: PtyPair;
  log: Logger;
  logs: LogCapture;
  /** The simulator process (throws while it has not been started: the rig began unplugged). */
  sim(): ReaderSimProcess;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface SerialReaderRigOptions<D> {
  name: string;
  device: 'scanner' | 'mrz' | 'uhfreader18' | 'r2000';
  simOptions?: Record<string, unknown>;
  makeDriver(path: string, deps: { clock: Clock; log: Logger }): D;
  clock?: Clock;
  unplugged?: boolean;
  /** Log hub throttle window; 0 (default) keeps every line, tests of throttling pass a long one. */
  throttleWindowMs?: number;
}

export async function startSerialReaderRig<D>(opts: SerialReaderRigOptions<D>): Promise<SerialReaderRig<D>> {
  const pty = await startPtyPair({ names: ['sim', 'device'] });
  const logs = new LogCapture();
  const hub = new LogHub({ level: 'debug', throttleWindowMs: opts.throttleWindowMs ?? 0, destination: logs });
  const log = hub.child('drivers', { device: opts.name });
  const driver = opts.makeDriver(pty.b, { clock: opts.clock ?? systemClock, log });
  let sim: ReaderSimProcess | null = null;
  const launch = () => startReaderSim({ kind: 'serial', device: opts.device, path: pty.a, options: opts.simOptions ?? {} });
  const reopenedCount = (): number => sim?.events.filter((e) => e.event === 'reopened').length ?? 0;
  if (opts.unplugged) await pty.unplug('SIGKILL');
  else sim = await launch();

  return {
    driver,
    pty,
    log,
    logs,
    sim() {
      if (!sim) throw new Error('the simulated device was never plugged in');
      return sim;
    },
    async unplug() {
      const closedBefore = sim?.events.filter((e) => e.event === 'closed').length ?? 0;
      await pty.unplug('SIGKILL');
      // The simulator must have seen its port go, or a step sent now would go nowhere silently.
      if (sim) await sim.waitFor('the simulator to see the unplug', () => sim!.events.filter((e) => e.event === 'closed').length > closedBefore);
    },
    async replug() {
      const before = reopenedCount();
      await pty.replug();
      if (!sim) sim = await launch();
      else await sim.waitFor('the simulator to reopen its port', () => reopenedCount() > before);
    },
    async cleanup() {
      await sim?.stop();
      sim = null;
      await pty.close();
    },
  };
}
