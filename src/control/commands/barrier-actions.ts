/**
 * `lanectl open|close|hold-open BARRIER --as ID`: a technician moves a barrier or door through the
 * lane's interlocks (never around them: a close waits for the beams to clear, nothing closes during
 * an emergency). `hold-open --release` lets a held door close again (interlocked too).
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { BarrierCommand, LaneActionResult } from '../lane-control.js';
import { actionExitCode, actionHuman, actorIdSchema, actorOption, requireLane, takeOptions } from './lane-action-kit.js';

interface BarrierArgs {
  barrier: string;
  as: string;
  release?: boolean;
}

const argsSchema = z.object({ barrier: z.string().min(1).max(64), as: actorIdSchema, release: z.boolean().optional() }).strict();

function barrierCommand(name: 'open' | 'close' | 'hold-open', summary: string) {
  return defineRemoteCommand({
    name,
    summary,
    usage: name === 'hold-open' ? 'BARRIER --as ID [--release]' : 'BARRIER --as ID',
    help: 'BARRIER is a barrier device of the flow (see lanectl status --json, flow.barriers). The movement goes through the interlocks and is recorded with your id.',
    args: argsSchema,
    timeoutMs: 10_000,
    parseCli(rest): BarrierArgs {
      const { options, words } = takeOptions(name, rest, name === 'hold-open' ? ['as=', 'release'] : ['as=']);
      if (words.length !== 1) throw new UsageError(`'${name}' needs exactly one BARRIER`);
      return { barrier: words[0]!, as: actorOption(name, options), ...(options.has('release') ? { release: true } : {}) };
    },
    async handle(ctx, args: BarrierArgs): Promise<LaneActionResult> {
      const action: BarrierCommand = name === 'hold-open' ? (args.release ? 'release-hold' : 'hold-open') : name;
      return requireLane(ctx).command(args.barrier, action, { source: 'lanectl', id: args.as });
    },
    formatHuman: (r: LaneActionResult) => actionHuman(r),
    exitCode: actionExitCode,
  });
}

export const openCommand = barrierCommand('open', 'open a barrier or door (through the interlocks; recorded with --as)');
export const closeCommand = barrierCommand('close', 'close a barrier or door (waits while anyone is in the way; recorded with --as)');
export const holdOpenCommand = barrierCommand('hold-open', 'hold a door open, or let it close again with --release');
