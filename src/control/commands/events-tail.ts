/**
 * `lanectl events tail [-n N] [--follow]`: what happened in the lane (credentials presented,
 * phases, verdicts, movements, alarms), newest last. Events carry names, reason codes and hashed
 * ids only. --follow polls the daemon once a second and prints new events as they come (until
 * Ctrl-C); the line protocol is request/answer, so polling is the honest way to follow it.
 */
import { z } from 'zod';
import type { ClientRunContext, CommandOutcome, HumanBlock } from '../command-spec.js';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { LaneEvent } from '../lane-control.js';
import { requireLane, takeOptions } from './lane-action-kit.js';

interface TailArgs {
  n: number;
  follow?: boolean;
}

interface TailResult {
  events: LaneEvent[];
}

export function eventLine(e: LaneEvent): string {
  const detail = Object.entries(e.detail)
    .map(([k, v]) => `${k}=${v === null ? '-' : String(v)}`)
    .join(' ');
  return `${new Date(e.at).toISOString()}  ${e.type.padEnd(14)} ${detail}`;
}

function human(r: TailResult): HumanBlock[] {
  if (r.events.length === 0) return [{ kind: 'text', text: 'no lane events yet' }];
  return [{ kind: 'text', text: r.events.map(eventLine).join('\n') }];
}

const POLL_MS = 1_000;

async function follow(run: ClientRunContext<TailArgs, TailResult> & { progress?: (line: string) => void }, args: TailArgs): Promise<CommandOutcome> {
  const print = run.progress ?? ((line: string) => process.stdout.write(`${line}\n`));
  let last = 0;
  for (;;) {
    const r = await run.call({ n: 500 });
    const fresh = r.events.filter((e) => e.at > last);
    const shown = last === 0 ? fresh.slice(-args.n) : fresh;
    for (const e of shown) print(run.json ? JSON.stringify(e) : eventLine(e));
    if (fresh.length > 0) last = fresh[fresh.length - 1]!.at;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export const eventsTailCommand = defineRemoteCommand({
  name: 'events tail',
  summary: 'show the latest lane events (passages, movements, alarms); --follow keeps printing',
  usage: '[-n N] [--follow]',
  args: z.object({ n: z.int().min(1).max(500), follow: z.boolean().optional() }).strict(),
  parseCli(rest): TailArgs {
    const normalised = rest.map((w) => (w === '-n' ? '--n' : w));
    const { options, words } = takeOptions('events tail', normalised, ['n=', 'follow']);
    if (words.length > 0) throw new UsageError(`'events tail' takes no arguments, got: ${words.join(' ')}`);
    const nText = options.get('n');
    const n = typeof nText === 'string' ? Number(nText) : 20;
    if (!Number.isInteger(n) || n < 1 || n > 500) throw new UsageError('-n must be a whole number from 1 to 500');
    return { n, ...(options.has('follow') ? { follow: true } : {}) };
  },
  handle: (ctx, args: TailArgs): TailResult => ({ events: requireLane(ctx).recentEvents(args.n) }),
  formatHuman: (r: TailResult) => human(r),
  async clientRun(run, args): Promise<CommandOutcome> {
    if (args.follow) return follow(run, args);
    const r = await run.call({ n: args.n });
    return { exitCode: 0, json: r, human: human(r) };
  },
});
