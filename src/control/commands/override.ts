/**
 * `lanectl override grant|deny --as OFFICER --reason TEXT`: an officer decides the held passage.
 * The override is a decision of its own: journaled with the officer id and the reason before any
 * door moves for it (docs/lanes.md).
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { LaneActionResult } from '../lane-control.js';
import { actionExitCode, actionHuman, actorIdSchema, actorOption, requireLane, takeOptions } from './lane-action-kit.js';

interface OverrideArgs {
  outcome: 'grant' | 'deny';
  as: string;
  reason: string;
}

export const overrideCommand = defineRemoteCommand({
  name: 'override',
  summary: 'decide the held passage as an officer: grant or deny (journaled with the officer id)',
  usage: 'grant|deny --as OFFICER --reason TEXT',
  args: z.object({ outcome: z.enum(['grant', 'deny']), as: actorIdSchema, reason: z.string().trim().min(1).max(200) }).strict(),
  parseCli(rest): OverrideArgs {
    const { options, words } = takeOptions('override', rest, ['as=', 'reason=']);
    const outcome = words[0];
    if (words.length !== 1 || (outcome !== 'grant' && outcome !== 'deny')) throw new UsageError("'override' needs grant or deny");
    const reason = options.get('reason');
    if (typeof reason !== 'string' || reason.trim().length === 0) throw new UsageError("'override' needs --reason TEXT (recorded in the journal)");
    return { outcome, as: actorOption('override', options), reason };
  },
  handle: (ctx, args: OverrideArgs): Promise<LaneActionResult> => requireLane(ctx).override(args.outcome, args.reason, { source: 'lanectl', id: args.as }),
  formatHuman: (r: LaneActionResult) => actionHuman(r),
  exitCode: actionExitCode,
});
