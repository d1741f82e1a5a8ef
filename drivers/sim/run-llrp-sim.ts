/**
 * Runs the LLRP reader simulator on loopback TCP:
 *
 *   node dist/drivers/sim/run-llrp-sim.js --port 5084 \
 *     --options '{"tags":[{"epc":"300833B2DDD9014000000001","tid":"E2801160200074CF085909AD","rssi":-48}]}'
 *
 * Prints `{"event":"ready","port":N}` once listening (--port 0 picks a free port). Steps (see
 * llrpSimStepSchema) come as JSON, one per line on stdin, answered `{"seq":N,"ok":true}` or
 * `{"seq":N,"ok":false,"error":"..."}`; --script FILE [--loop] runs a JSON array instead. Other lines:
 * `{"event":"connected"}`, `{"event":"disconnected"}`, `{"event":"command","name":"ADD_ROSPEC"}`.
 * Exit 2: bad arguments; 3: cannot listen.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { systemClock } from '../../src/util/clock.js';
import { LlrpSim, llrpSimOptionsSchema } from './llrp-sim.js';
import { parseWith } from './sim-kit.js';

function fail(code: number, message: string): never {
  process.stderr.write(`run-llrp-sim: ${message}\n`);
  process.exit(code);
}

function say(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '5084' },
        options: { type: 'string', default: '{}' },
        script: { type: 'string' },
        loop: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(2, (err as Error).message);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(2, '--port must be 0..65535');
  let raw: unknown;
  try {
    raw = JSON.parse(args.options);
  } catch {
    fail(2, '--options must be JSON');
  }
  const options = parseWith(llrpSimOptionsSchema, raw);
  if (!options.ok) fail(2, `--options: ${options.error}`);
  const sim = new LlrpSim(options.step, { clock: systemClock, report: say });
  try {
    say({ event: 'ready', port: await sim.listen(port, args.host) });
  } catch (err) {
    fail(3, `cannot listen on ${args.host}:${port}: ${(err as Error).message}`);
  }
  const shutdown = async (): Promise<void> => {
    await sim.close();
    process.exit(0);
  };

  if (args.script) {
    let steps: unknown;
    try {
      steps = JSON.parse(readFileSync(args.script, 'utf8'));
    } catch (err) {
      fail(2, `cannot read script ${args.script}: ${(err as Error).message}`);
    }
    if (!Array.isArray(steps)) fail(2, `script ${args.script}: must be a JSON array of steps`);
    do {
      for (const value of steps) {
        const step = sim.parseStep(value);
        if (step.ok) await sim.run(step.step);
        else say({ event: 'step-failed', error: step.error });
      }
    } while (args.loop);
    return shutdown();
  }

  let seq = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === '') continue;
    seq += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      say({ seq, ok: false, error: 'not JSON' });
      continue;
    }
    const step = sim.parseStep(value);
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
  await shutdown();
}

main().catch((err: unknown) => fail(1, err instanceof Error ? err.message : String(err)));
