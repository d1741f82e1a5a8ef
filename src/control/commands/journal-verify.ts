import { z } from 'zod';
import type { JournalVerifyReport } from '../../store/index.js';
import { defineRemoteCommand } from '../command-spec.js';
import { expectNoArgs } from './cli-args.js';
import { requireStore } from './store-unavailable.js';

/** Walks the passage journal's hash chain: edited, deleted (gap) or reordered rows are reported. */
export const journalVerifyCommand = defineRemoteCommand({
  name: 'journal verify',
  summary: 'check the passage journal hash chain; exits 1 when a row was altered, removed or reordered',
  usage: '',
  args: z.object({}).strict(),
  timeoutMs: 120_000,
  parseCli: (rest) => expectNoArgs('journal verify', rest),
  handle: (ctx): JournalVerifyReport => requireStore(ctx).verifyJournal(),
  exitCode: (r: JournalVerifyReport) => (r.ok ? 0 : 1),
  formatHuman(r: JournalVerifyReport) {
    const blocks = [
      {
        kind: 'table' as const,
        columns: ['LANE', 'PASSAGES', 'LAST SEQ', 'HEAD HASH'],
        rows: r.lanes.map((l) => [l.lane, String(l.passages), String(l.lastSeq), l.headHash.slice(0, 16)]),
      },
    ];
    const problems =
      r.problemCount === 0
        ? []
        : [
            {
              kind: 'table' as const,
              columns: ['LANE', 'SEQ', 'PROBLEM', 'DETAIL'],
              rows: r.problems.map((p) => [p.lane, String(p.seq), p.problem, p.detail]),
            },
          ];
    const verdict = r.ok
      ? `journal OK: ${r.checked} passages checked, chain intact`
      : `journal NOT OK: ${r.problemCount} problem(s) in ${r.checked} passages${r.problemCount > r.problems.length ? ` (first ${r.problems.length} shown)` : ''}`;
    return [...blocks, ...problems, { kind: 'text' as const, text: verdict }];
  },
});
