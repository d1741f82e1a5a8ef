/**
 * The serial line scanner on a real pty pair, with the simulator as a child process on the other
 * end: the rig the scanner contract and the driver's own integration tests run on.
 */
import { SerialLineScanner } from '../../../drivers/scanner/serial-line-scanner.js';
import {
  serialLineScannerConfigSchema,
  type SerialLineScannerConfig,
} from '../../../drivers/scanner/serial-line-scanner.config.js';
import type { Clock } from '../../../src/util/clock.js';
import { systemClock } from '../../../src/util/clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { LogCapture } from '../../helpers/log-capture.js';
import { startPtyPair, type PtyPair } from '../../helpers/pty.js';
import type { ScannerRig } from './scanner-contract.js';
import { startSimProcess, type SimProcess } from './support/line-scanner-sim-process.js';

export interface SerialScannerRig extends ScannerRig {
  driver: SerialLineScanner;
  pty: PtyPair;
  config: SerialLineScannerConfig;
  /** The running simulator (null while unplugged). */
  simProcess(): SimProcess | null;
}

export interface SerialScannerRigOptions {
  name: string;
  /** Config keys on top of the defaults (type, name, path and role are filled in). */
  config?: Partial<Omit<SerialLineScannerConfig, 'type' | 'name' | 'path'>>;
  maxFrameBytes?: number;
  clock?: Clock;
  /** Start with the device unplugged (no socat, no simulator). */
  unplugged?: boolean;
}

export async function startSerialScannerRig(opts: SerialScannerRigOptions): Promise<SerialScannerRig> {
  const pty = await startPtyPair({ names: ['sim', 'scanner'] });
  const config = serialLineScannerConfigSchema.parse({
    type: 'serial-line-scanner',
    name: opts.name,
    path: pty.b,
    role: 'entry',
    ...opts.config,
  });
  const maxFrameBytes = opts.maxFrameBytes ?? 256;
  const logs = new LogCapture();
  const hub = new LogHub({ level: 'debug', throttleWindowMs: 0, destination: logs });
  const log = hub.child('drivers', { device: opts.name });
  const driver = new SerialLineScanner(config, { clock: opts.clock ?? systemClock, log, maxFrameBytes });
  const simOptions = {
    path: pty.a,
    suffix: config.suffix,
    ...(config.prefix !== undefined ? { prefix: config.prefix } : {}),
    // Suffix 'none': the pause between codes must clearly exceed the driver's inter-byte timeout.
    pauseMs: Math.max(200, config.interByteTimeoutMs * 4),
  };
  let sim: SimProcess | null = null;
  const current = (): SimProcess => {
    if (!sim) throw new Error('the simulated scanner is unplugged');
    return sim;
  };
  const unplug = async (): Promise<void> => {
    // Like pulling the cable: socat gets no chance to say goodbye, the links disappear.
    await pty.unplug('SIGKILL');
    await sim?.stop();
    sim = null;
  };
  if (opts.unplugged) await pty.unplug('SIGKILL');
  else sim = await startSimProcess(simOptions);

  return {
    driver,
    pty,
    config,
    log,
    logText: () => logs.raw.join('\n'),
    maxCodeBytes: maxFrameBytes - (config.prefix?.length ?? 0),
    simProcess: () => sim,
    sim: {
      code: (text) => current().send({ op: 'code', text }),
      burst: (texts) => current().send({ op: 'burst', texts }),
      garbage: (length) => current().send({ op: 'garbage', length }),
      oversize: (length) => current().send({ op: 'oversize', length }),
    },
    unplug,
    async replug() {
      await pty.replug();
      sim = await startSimProcess(simOptions);
    },
    async cleanup() {
      await sim?.stop();
      sim = null;
      await pty.close();
    },
  };
}
