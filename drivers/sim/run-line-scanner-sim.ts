/**
 * Runs the line scanner simulator on a serial device, normally one end of a socat pty pair:
 *
 *   socat pty,raw,echo=0,link=/tmp/lane/scanner-sim pty,raw,echo=0,link=/tmp/lane/scanner &
 *   node dist/drivers/sim/run-line-scanner-sim.js --path /tmp/lane/scanner-sim --suffix cr
 *
 * Steps (see simStepSchema) come as JSON, one per line on stdin, or from --script FILE (a JSON array;
 * --loop repeats it, for the demo). Each stdin step is answered on stdout, after its bytes are drained,
 * with `{"seq":N,"ok":true}` or `{"seq":N,"ok":false,"error":"..."}`. Other stdout lines:
 * `{"event":"ready"}` once the port is open, `{"event":"closed","reason":"..."}` when the port goes away
 * (the process then exits 0). Exit 2: bad arguments; exit 3: the port cannot be opened.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { systemClock } from '../../src/util/clock.js';
import type { LineSuffix } from '../scanner/line-framer.js';
import { LineScannerSim, parseSimStep, type ByteSink, type SimStep } from './line-scanner-sim.js';

const SUFFIXES: readonly LineSuffix[] = ['cr', 'crlf', 'lf', 'none'];

function fail(code: number, message: string): never {
  process.stderr.write(`run-line-scanner-sim: ${message}\n`);
  process.exit(code);
}

function say(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function readScript(file: string): SimStep[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(2, `cannot read script ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) fail(2, `script ${file}: must be a JSON array of steps`);
  return parsed.map((value, index) => {
    const step = parseSimStep(value);
    if (!step.ok) fail(2, `script ${file}: step ${index}: ${step.error}`);
    return step.step;
  });
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        path: { type: 'string' },
        suffix: { type: 'string', default: 'cr' },
        prefix: { type: 'string' },
        baud: { type: 'string', default: '9600' },
        'pause-ms': { type: 'string', default: '200' },
        script: { type: 'string' },
        loop: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(2, (err as Error).message);
  }
  const path = args.path ?? fail(2, '--path is required');
  const suffix = args.suffix as LineSuffix;
  if (!SUFFIXES.includes(suffix)) fail(2, `--suffix must be one of ${SUFFIXES.join(', ')}`);
  const baudRate = Number(args.baud);
  const pauseMs = Number(args['pause-ms']);
  if (!Number.isInteger(baudRate) || baudRate <= 0) fail(2, '--baud must be a positive integer');
  if (!Number.isInteger(pauseMs) || pauseMs < 0) fail(2, '--pause-ms must be a non-negative integer');
  const script = args.script ? readScript(args.script) : null;

  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve) =>
    port.open((err) => (err ? fail(3, `cannot open ${path}: ${err.message}`) : resolve())),
  );
  // Reading keeps the poller on the fd, which is how a vanished pty master is noticed.
  port.on('data', () => undefined);
  port.on('error', (err) => say({ event: 'error', error: err.message }));
  port.on('close', () => {
    say({ event: 'closed', reason: 'port closed' });
    process.exit(0);
  });
  const sink: ByteSink = {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(bytes, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
      }),
  };
  const sim = new LineScannerSim(sink, {
    suffix,
    clock: systemClock,
    pauseMs,
    ...(args.prefix !== undefined ? { prefix: args.prefix } : {}),
  });
  say({ event: 'ready' });

  if (script) {
    do await sim.runScript(script);
    while (args.loop);
    port.close();
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
    const step = parseSimStep(value);
    if (!step.ok) {
      say({ seq, ok: false, error: step.error });
      continue;
    }
    try {
      await sim.run(step.step);
      say({ seq, ok: true });
    } catch (err) {
      say({ seq, ok: false, error: (err as Error).message });
    }
  }
  // stdin closed: the controlling test or demo is done with us.
  port.close();
}

main().catch((err: unknown) => fail(1, err instanceof Error ? err.message : String(err)));
