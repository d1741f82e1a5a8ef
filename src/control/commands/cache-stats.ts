import { z } from 'zod';
import type { CacheStats } from '../../store/index.js';
import { defineRemoteCommand } from '../command-spec.js';
import { expectNoArgs } from './cli-args.js';
import { formatDuration } from './format.js';
import { requireStore } from './store-unavailable.js';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the offline cache holds and how fresh it is: the first thing to check when verdicts look wrong. */
export const cacheStatsCommand = defineRemoteCommand({
  name: 'cache stats',
  summary: 'list versions and ages, face galleries, journal, outbox and evidence sizes',
  usage: '',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('cache stats', rest),
  handle: (ctx): CacheStats => requireStore(ctx).cacheStats(),
  formatHuman(s: CacheStats) {
    return [
      {
        kind: 'fields',
        rows: [
          ['schema', `v${s.schemaVersion}`],
          ['database', `${mb(s.dbBytes)} (+${mb(s.walBytes)} WAL)`],
          ['journal', `${s.journal.count} passages, last seq ${s.journal.seq}`],
          ['outbox', `${s.outbox.backlog} waiting${s.outbox.backlog > 0 ? `, oldest ${formatDuration(s.outbox.oldestAgeMs)} old` : ''}`],
          ['evidence', `${s.evidence.files} files, ${mb(s.evidence.bytes)} of ${mb(s.evidence.quotaBytes)}, ${s.evidence.unsent} unsent`],
          ['plates indexed', `${s.plateIndex.vehicles} vehicles, ${s.plateIndex.watchlist} watchlist`],
          ['store', s.failure ? `FAILED: ${s.failure.problem} (${s.failure.code})` : 'ok'],
        ],
      },
      { kind: 'text', text: '' },
      {
        kind: 'table',
        columns: ['LIST', 'VERSION', 'ROWS', 'AGE'],
        rows: s.lists.map((l) => [l.list, String(l.version), String(l.rowCount), l.ageMs === null ? 'never' : formatDuration(l.ageMs)]),
      },
      {
        kind: 'table',
        columns: ['GALLERY', 'MODEL', 'DIMS', 'TEMPLATES'],
        rows: s.faces.map((f) => [f.gallery, f.modelId, String(f.dims), String(f.templates)]),
      },
    ];
  },
});
