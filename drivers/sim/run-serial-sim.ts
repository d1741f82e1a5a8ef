/**
 * Runs one serial device simulator (scanner families, MRZ reader, UHFReader18, R2000) on a serial
 * device, normally one end of a socat pty pair:
 *
 *   socat pty,raw,echo=0,link=/tmp/lane/rfid-sim pty,raw,echo=0,link=/tmp/lane/rfid &
 *   node dist/drivers/sim/run-serial-sim.js --device r2000 --path /tmp/lane/rfid-sim \
 *     --options '{"tags":[{"epc":"E2801160600002054D6F4A12","rssi":-52}]}' --reopen
 *
 * Steps come as JSON, one per line on stdin, or from --script FILE (a JSON array; --loop repeats it).
 * Each stdin step is answered on stdout after its bytes are drained: `{"seq":N,"ok":true}` or
 * `{"seq":N,"ok":false,"error":"..."}`. Other stdout lines: `{"event":"ready"}` once the port is open,
 * `{"event":"command","name":"..."}` for each host command the device understood,
 * `{"event":"closed","reason":"..."}` when the port goes away (an unplug), and with --reopen
 * `{"event":"reopened"}` when it is back (the device restarts with its power-on state). Without
 * --reopen the process exits 0 when the port closes. Exit 2: bad arguments; 3: the port cannot be opened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { systemClock } from '../../src/util/clock.js';
import { SIM_DEVICE_NAMES, createSimDevice, type SimDeviceName } from './serial-sim-devices.js';
import type { SerialSimDevice, SimLink } from './sim-kit.js';

function fail(code: number, message: string): never {
  process.stderr.write(`run-serial-sim: ${message}\n`);
  process.exit(code);
}

function say(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function parseCli(): { device: SimDeviceName; path: string; options: unknown; script: unknown[] | null; loop: boolean; reopen: boolean } {
  let values;
  try {
    values = parseArgs({
      options: {
        device: { type: 'string' },
        path: { type: 'string' },
        options: { type: 'string', default: '{}' },
        script: { type: 'string' },
        loop: { type: 'boolean', default: false },
        reopen: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(2, (err as Error).message);
  }
  const device = values.device as SimDeviceName | undefined;
  if (!device || !SIM_DEVICE_NAMES.includes(device)) fail(2, `--device must be one of ${SIM_DEVICE_NAMES.join(', ')}`);
  const path = values.path ?? fail(2, '--path is required');
  let options: unknown;
  try {
    options = JSON.parse(values.options);
  } catch {
    fail(2, '--options must be JSON');
  }
  let script: unknown[] | null = null;
  if (values.script) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(values.script, 'utf8'));
      if (!Array.isArray(parsed)) fail(2, `script ${values.script}: must be a JSON array of steps`);
      script = parsed;
    } catch (err) {
      fail(2, `cannot read script ${values.script}: ${(err as Error).message}`);
    }
  }
  return { device, path, options, script, loop: values.loop, reopen: values.reopen };
}

async function main(): Promise<void> {
  const cli = parseCli();
  let port: SerialPort | null = null;
  let mutedUntil = 0;
  const link: SimLink = {
    clock: systemClock,
    report: (event) => say(event),
    write: (bytes) =>
      new Promise((resolve, reject) => {
        const current = port;
        if (!current?.isOpen) {
          reject(new Error('port closed (unplugged)'));
          return;
        }
        current.write(bytes, (err) => (err ? reject(err) : current.drain((e) => (e ? reject(e) : resolve()))));
      }),
  };
  const made = createSimDevice(cli.device, link, cli.options);
  if (!made.ok) fail(2, `--options: ${made.error}`);
  const device: SerialSimDevice = made.device;

  const openPort = (): Promise<SerialPort> =>
    new Promise((resolve, reject) => {
      const next = new SerialPort({ path: cli.path, baudRate: 9600, autoOpen: false });
      next.open((err) => (err ? reject(err) : resolve(next)));
    });
  let stopping = false;
  // Killing the other end of a pty does not always close this end: watch the link as the lane does.
  const watch = setInterval(() => {
    if (port?.isOpen && !existsSync(cli.path)) port.close();
  }, 50);
  const attach = (opened: SerialPort): void => {
    port = opened;
    // Reading keeps the poller on the fd, which is how a vanished pty master is noticed.
    opened.on('data', (chunk: Buffer) => {
      if (Date.now() >= mutedUntil) device.receive(chunk);
    });
    opened.on('error', (err) => say({ event: 'error', error: err.message }));
    opened.on('close', () => {
      port = null;
      say({ event: 'closed', reason: 'port closed' });
      if (stopping) return;
      if (!cli.reopen) {
        clearInterval(watch);
        device.dispose();
        process.exit(0);
      }
      void reopen();
    });
  };
  const reopen = async (): Promise<void> => {
    while (!stopping) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (!existsSync(cli.path)) continue;
      try {
        const opened = await openPort();
        device.reset(); // a replugged device starts from its power-on state
        attach(opened);
        say({ event: 'reopened' });
        return;
      } catch {
        // the new pty is not ready yet; try again
      }
    }
  };

  try {
    attach(await openPort());
  } catch (err) {
    fail(3, `cannot open ${cli.path}: ${(err as Error).message}`);
  }
  say({ event: 'ready' });

  const runStep = async (value: unknown): Promise<void> => {
    const parsed = device.parseStep(value);
    if (!parsed.ok) throw new Error(parsed.error);
    const step = parsed.step as { op: string; ms?: number; mute?: boolean };
    if (step.op === 'stall' && step.mute) mutedUntil = Date.now() + (step.ms ?? 0);
    await device.run(parsed.step);
  };

  const shutdown = (): void => {
    stopping = true;
    clearInterval(watch);
    device.dispose();
    const current = port;
    if (current?.isOpen) current.close(() => process.exit(0));
    else process.exit(0);
  };

  if (cli.script) {
    do {
      for (const step of cli.script) await runStep(step).catch((err: Error) => say({ event: 'step-failed', error: err.message }));
    } while (cli.loop);
    shutdown();
    return;
  }

  let seq = 0;
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    seq += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      say({ seq, ok: false, error: 'not JSON' });
      continue;
    }
    try {
      await runStep(value);
      say({ seq, ok: true });
    } catch (err) {
      say({ seq, ok: false, error: (err as Error).message });
    }
  }
  // stdin closed: the controlling test or demo is done with us.
  shutdown();
}

main().catch((err: unknown) => fail(1, err instanceof Error ? err.message : String(err)));
