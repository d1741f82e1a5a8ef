/**
 * `lanectl test barrier NAME --as ID`: exercises one barrier through the interlocks and reports
 * how long it took: open, wait until reported opened, close (deferred while anyone is in the way),
 * wait until reported closed. Refused unless the lane is in maintenance mode (a test must not move
 * a door in the middle of a passage).
 */
import { z } from 'zod';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import type { LaneControl, LaneEvent } from '../lane-control.js';
import { CommandError } from '../protocol.js';
import { actorIdSchema, actorOption, requireLane, takeOptions } from './lane-action-kit.js';

interface TestBarrierArgs {
  barrier: string;
  as: string;
  timeoutSeconds: number;
}

interface TestBarrierResult {
  barrier: string;
  ok: boolean;
  openedMs: number | null;
  closedMs: number | null;
  /** Why the test stopped early (refused, timed out), one line. */
  problem: string | null;
}

/**
 * Waits for the barrier to REPORT `want` after the command (a position event not seen before it):
 * a door already standing open must not pass as "opened in 0 ms".
 */
async function waitPosition(lane: LaneControl, barrier: string, want: string, timeoutMs: number, seen: ReadonlySet<LaneEvent>): Promise<number | null> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const reported = lane.recentEvents(500).some((e) => !seen.has(e) && e.type === 'position' && e.detail.barrier === barrier && e.detail.position === want);
    if (reported) return Math.round(performance.now() - start);
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

async function runTest(lane: LaneControl, args: TestBarrierArgs): Promise<TestBarrierResult> {
  const actor = { source: 'lanectl' as const, id: args.as };
  const limit = args.timeoutSeconds * 1000;
  const result: TestBarrierResult = { barrier: args.barrier, ok: false, openedMs: null, closedMs: null, problem: null };
  let seen = new Set(lane.recentEvents(500));
  const open = await lane.command(args.barrier, 'open', actor);
  if (!open.accepted) return { ...result, problem: `open refused: ${open.reason ?? ''} ${open.detail ?? ''}`.trim() };
  result.openedMs = await waitPosition(lane, args.barrier, 'opened', limit, seen);
  if (result.openedMs === null) return { ...result, problem: `not reported opened within ${args.timeoutSeconds} s` };
  seen = new Set(lane.recentEvents(500));
  const close = await lane.command(args.barrier, 'close', actor);
  if (!close.accepted) return { ...result, problem: `close refused: ${close.reason ?? ''} ${close.detail ?? ''}`.trim() };
  result.closedMs = await waitPosition(lane, args.barrier, 'closed', limit, seen);
  if (result.closedMs === null) return { ...result, problem: `not reported closed within ${args.timeoutSeconds} s (${close.detail ?? ''})` };
  return { ...result, ok: true };
}

export const testBarrierCommand = defineRemoteCommand({
  name: 'test barrier',
  summary: 'open and close one barrier through the interlocks and report the times (maintenance mode only)',
  usage: 'NAME --as ID [--seconds S]',
  args: z.object({ barrier: z.string().min(1).max(64), as: actorIdSchema, timeoutSeconds: z.int().min(1).max(120) }).strict(),
  timeoutMs: 260_000,
  parseCli(rest): TestBarrierArgs {
    const { options, words } = takeOptions('test barrier', rest, ['as=', 'seconds=']);
    if (words.length !== 1) throw new UsageError("'test barrier' needs exactly one barrier NAME");
    const t = options.get('seconds');
    const timeoutSeconds = typeof t === 'string' ? Number(t) : 20;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 120) throw new UsageError('--seconds must be 1-120');
    return { barrier: words[0]!, as: actorOption('test barrier', options), timeoutSeconds };
  },
  async handle(ctx, args: TestBarrierArgs): Promise<TestBarrierResult> {
    const lane = requireLane(ctx);
    const mode = lane.snapshot().mode;
    if (mode !== 'maintenance') throw new CommandError('lane_busy', `the lane is in ${mode} mode; switch it to maintenance first (lanectl mode maintenance --as ID)`);
    return runTest(lane, args);
  },
  formatHuman: (r: TestBarrierResult) => [
    {
      kind: 'fields',
      rows: [
        ['barrier', r.barrier],
        ['result', r.ok ? 'ok' : `FAILED: ${r.problem ?? ''}`],
        ['open -> opened', r.openedMs === null ? '-' : `${r.openedMs} ms`],
        ['close -> closed', r.closedMs === null ? '-' : `${r.closedMs} ms`],
      ],
    },
  ],
  exitCode: (r: TestBarrierResult) => (r.ok ? 0 : 1),
});
