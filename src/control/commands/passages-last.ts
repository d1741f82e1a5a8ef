import { z } from 'zod';
import type { JournaledPassage } from '../../store/index.js';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import { positionals } from './cli-args.js';
import { requireStore } from './store-unavailable.js';

export interface PassagesLastArgs {
  n: number;
}

const MAX = 1_000;

/** The newest passages of the journal, newest first; identifiers are keyed hashes only. */
export const passagesLastCommand = defineRemoteCommand({
  name: 'passages last',
  summary: `the newest N passages from the journal (default 10, at most ${MAX})`,
  usage: '[N]',
  args: z.object({ n: z.number().int().min(1).max(MAX) }).strict(),
  parseCli(rest): PassagesLastArgs {
    const [word] = positionals('passages last', rest, 0, 1);
    if (word === undefined) return { n: 10 };
    const n = Number(word);
    if (!Number.isInteger(n) || n < 1 || n > MAX) throw new UsageError(`N must be a whole number from 1 to ${MAX}, got '${word}'`);
    return { n };
  },
  handle: (ctx, args: PassagesLastArgs): { passages: JournaledPassage[] } => ({ passages: requireStore(ctx).passagesLast(args.n) }),
  formatHuman(r: { passages: JournaledPassage[] }) {
    if (r.passages.length === 0) return [{ kind: 'text', text: 'no passages in the journal yet' }];
    return [
      {
        kind: 'table',
        columns: ['SEQ', 'RECORDED', 'OUTCOME', 'REASONS', 'OFFICER', 'ID'],
        rows: r.passages.map(({ record }) => [
          String(record.seq),
          new Date(record.recordedAt).toISOString(),
          record.alarm ? `${record.outcome} (alarm)` : record.outcome,
          record.reasons.join(',') || '-',
          record.officerId ?? '-',
          record.id,
        ]),
      },
    ];
  },
});
