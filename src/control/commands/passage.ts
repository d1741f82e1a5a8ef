import { z } from 'zod';
import type { PassageDetail } from '../../store/index.js';
import { UsageError, defineRemoteCommand } from '../command-spec.js';
import { CommandError } from '../protocol.js';
import { positionals } from './cli-args.js';
import { requireStore } from './store-unavailable.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One passage in full: stages, evidence (hashed identifiers and scores), verdict, chain hashes, evidence files. */
export const passageCommand = defineRemoteCommand({
  name: 'passage',
  summary: 'one passage from the journal by its id',
  usage: 'ID',
  args: z.object({ id: z.string().regex(UUID) }).strict(),
  parseCli(rest): { id: string } {
    const [id] = positionals('passage', rest, 1, 1);
    if (!UUID.test(id!)) throw new UsageError(`'${id}' is not a passage id (a UUID such as those in 'lanectl passages last')`);
    return { id: id! };
  },
  handle(ctx, args: { id: string }): PassageDetail {
    const found = requireStore(ctx).passage(args.id);
    if (!found) throw new CommandError('not_found', `no passage ${args.id} in the journal`);
    return found;
  },
  formatHuman(p: PassageDetail) {
    const r = p.record;
    return [
      {
        kind: 'fields',
        rows: [
          ['id', r.id],
          ['lane', `${r.lane} seq ${r.seq} (${r.kind}, ${r.direction})`],
          ['outcome', r.alarm ? `${r.outcome} (alarm)` : r.outcome],
          ['reasons', r.reasons.join(', ') || '-'],
          ['officer', r.officerId ?? '-'],
          ['recorded', new Date(r.recordedAt).toISOString()],
          ...Object.entries(r.stages).map(([stage, at]) => [`  ${stage}`, new Date(at).toISOString()] as const),
          ['evidence', JSON.stringify(r.evidence)],
          ['files', p.evidence.map((e) => `${e.ref}${e.deletedAt === null ? '' : ` (removed: ${e.deleteReason ?? 'unknown'})`}`).join(', ') || '-'],
          ['hash', p.hash],
          ['prev hash', p.prevHash],
        ],
      },
    ];
  },
});
