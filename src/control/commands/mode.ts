/**
 * `lanectl mode normal|closed|free-pass|maintenance --as ID`: the lane's service mode. closed and
 * maintenance take no passages (doors stay with the interlocks); free-pass holds the egress doors
 * open (evacuation); normal resumes. Recorded with the technician's id.
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { LaneActionResult, LaneServiceMode } from '../lane-control.js';
import { actionExitCode, actionHuman, actorIdSchema, actorOption, requireLane, takeOptions } from './lane-action-kit.js';

const MODES = ['normal', 'closed', 'free-pass', 'maintenance'] as const satisfies readonly LaneServiceMode[];

interface ModeArgs {
  mode: LaneServiceMode;
  as: string;
}

export const modeCommand = defineRemoteCommand({
  name: 'mode',
  summary: 'set the lane mode: normal, closed, free-pass or maintenance (recorded with --as)',
  usage: `${MODES.join('|')} --as ID`,
  args: z.object({ mode: z.enum(MODES), as: actorIdSchema }).strict(),
  parseCli(rest): ModeArgs {
    const { options, words } = takeOptions('mode', rest, ['as=']);
    const mode = words[0];
    if (words.length !== 1 || !(MODES as readonly string[]).includes(mode!)) throw new UsageError(`'mode' needs one of: ${MODES.join(', ')}`);
    return { mode: mode as LaneServiceMode, as: actorOption('mode', options) };
  },
  handle: (ctx, args: ModeArgs): Promise<LaneActionResult> => requireLane(ctx).setMode(args.mode, { source: 'lanectl', id: args.as }),
  formatHuman: (r: LaneActionResult) => actionHuman(r),
  exitCode: actionExitCode,
});
