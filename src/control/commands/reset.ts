/**
 * `lanectl reset --as ID`: a person on site puts the lane back in service after an emergency has
 * cleared or after a journal failure. Refused while an emergency input is still active.
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { LaneActionResult } from '../lane-control.js';
import { actionExitCode, actionHuman, actorIdSchema, actorOption, requireLane, takeOptions } from './lane-action-kit.js';

export const resetCommand = defineRemoteCommand({
  name: 'reset',
  summary: 'reset the lane on site after an emergency or a journal failure (recorded with --as)',
  usage: '--as ID',
  args: z.object({ as: actorIdSchema }).strict(),
  parseCli(rest): { as: string } {
    const { options, words } = takeOptions('reset', rest, ['as=']);
    if (words.length > 0) throw new UsageError(`'reset' takes no arguments, got: ${words.join(' ')}`);
    return { as: actorOption('reset', options) };
  },
  handle: (ctx, args: { as: string }): Promise<LaneActionResult> => requireLane(ctx).reset({ source: 'lanectl', id: args.as }),
  formatHuman: (r: LaneActionResult) => actionHuman(r),
  exitCode: actionExitCode,
});
