/**
 * What the lane action commands (open, close, hold-open, mode, override, reset, test barrier)
 * share: finding the running passage flow, the `--as ID` option every local action needs (the id
 * is recorded with the action), and how an interlock's answer reads.
 */
import { z } from 'zod';
import type { HumanBlock } from '../command-spec.js';
import { UsageError } from '../command-spec.js';
import type { ControlContext } from '../contract.js';
import type { LaneActionResult, LaneControl } from '../lane-control.js';
import { CommandError } from '../protocol.js';

export const actorIdSchema = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 characters of letters, digits and ._@-');

/** The lane's flow, or a clear error: without `flow:` in the config the daemon runs devices only. */
export function requireLane(ctx: ControlContext): LaneControl {
  const lane = ctx.lane();
  if (!lane) throw new CommandError('no_flow', "this lane runs no passage flow (no 'flow:' section in its config); add one, see docs/lanes.md");
  return lane;
}

/** Splits `--as ID` (or `--as=ID`) and named options out of the words; returns the rest in order. */
export function takeOptions(name: string, rest: readonly string[], known: readonly string[]): { options: Map<string, string | true>; words: string[] } {
  const options = new Map<string, string | true>();
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (!w.startsWith('--')) {
      words.push(w);
      continue;
    }
    const [key, inline] = w.slice(2).split('=', 2) as [string, string | undefined];
    const spec = known.find((k) => k.replace(/=$/u, '') === key);
    if (!spec) throw new UsageError(`'${name}' has no option --${key}`);
    if (!spec.endsWith('=')) {
      options.set(key, true);
      continue;
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${key} needs a value`);
    options.set(key, value);
  }
  return { options, words };
}

/** `--as ID`: who does it (journaled with the action). Required for every local action. */
export function actorOption(name: string, options: Map<string, string | true>): string {
  const id = options.get('as');
  if (typeof id !== 'string') throw new UsageError(`'${name}' needs --as ID (your technician or officer id; it is recorded with the action)`);
  if (!actorIdSchema.safeParse(id).success) throw new UsageError('--as: the id must be 1-64 characters of letters, digits and ._@-');
  return id;
}

export function actionHuman(r: LaneActionResult): HumanBlock[] {
  return [{ kind: 'text', text: r.accepted ? `done: ${r.detail ?? 'accepted'}` : `refused (${r.reason ?? 'refused'}): ${r.detail ?? ''}` }];
}

/** A refused action exits 1 so scripts notice; the reason is in the output. */
export const actionExitCode = (r: LaneActionResult): number => (r.accepted ? 0 : 1);
