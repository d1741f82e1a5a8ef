/**
 * `lanectl sim input LINE on|off`: drives a simulated input line inside the daemon (the demo and
 * the tests have no hardware to press). Only lines of a fake backend (fake-io devices, or devices
 * with `io: {backend: fake}`) can be driven; a real GPIO line is refused with the reason, so this can
 * never fake a beam or an emergency on a real lane.
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { ControlContext } from '../contract.js';
import { CommandError } from '../protocol.js';
import { positionals } from './cli-args.js';

interface SimArgs {
  line: string;
  value: boolean;
}

interface SimResult {
  device: string;
  line: string;
  value: boolean;
}

interface FakeLike {
  simulateInput(line: string, value: boolean): void;
  lines(): Array<{ name: string; direction: string }>;
}

function isFakeIo(x: unknown): x is FakeLike {
  const o = x as Partial<FakeLike> | null;
  return typeof o === 'object' && o !== null && typeof o.simulateInput === 'function' && typeof o.lines === 'function';
}

/** The fake io behind a device: the device itself (fake-io) or its `io` backend (relay-barrier, lane-sensors ...). */
function fakeIoOf(driver: unknown): FakeLike | null {
  if (isFakeIo(driver)) return driver;
  const io = (driver as { io?: unknown } | null)?.io;
  return isFakeIo(io) ? io : null;
}

export function simulateInput(ctx: ControlContext, line: string, value: boolean): SimResult {
  let realOwner: string | null = null;
  for (const d of ctx.devices()) {
    const fake = fakeIoOf(d.driver);
    if (!fake) {
      const io = (d.driver as { io?: { lines?: () => Array<{ name: string }> } }).io;
      if (typeof io?.lines === 'function' && io.lines().some((l) => l.name === line)) realOwner = d.name;
      continue;
    }
    const l = fake.lines().find((x) => x.name === line);
    if (!l) continue;
    if (l.direction !== 'in') throw new CommandError('bad_request', `line '${line}' of ${d.name} is an output; only inputs can be simulated`);
    fake.simulateInput(line, value);
    return { device: d.name, line, value };
  }
  if (realOwner) throw new CommandError('not_simulated', `line '${line}' belongs to ${realOwner}, which is real hardware (not a fake backend); it cannot be simulated`);
  throw new CommandError('unknown_line', `no fake-backend input line named '${line}' in this lane's devices`);
}

export const simInputCommand = defineRemoteCommand({
  name: 'sim input',
  summary: 'drive a simulated input line (fake backends only): beams, loops, emergency buttons',
  usage: 'LINE on|off',
  args: z.object({ line: z.string().min(1).max(64), value: z.boolean() }).strict(),
  parseCli(rest): SimArgs {
    const [line, word] = positionals('sim input', rest, 2, 2) as [string, string];
    if (word !== 'on' && word !== 'off') throw new UsageError(`'sim input' needs on or off, got '${word}'`);
    return { line, value: word === 'on' };
  },
  handle: (ctx, args: SimArgs): SimResult => simulateInput(ctx, args.line, args.value),
  formatHuman: (r: SimResult) => [{ kind: 'text', text: `${r.device}: ${r.line} ${r.value ? 'on' : 'off'}` }],
});
