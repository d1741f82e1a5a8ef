import { z } from 'zod';
import type { OutboxSnapshot } from '../../sync/sync-status.js';
import { defineRemoteCommand, UsageError, type HumanBlock } from '../command-spec.js';
import { positionals } from './cli-args.js';
import { formatAgo } from './format.js';
import { formatBytes, quotaText, syncControl } from './sync-status.js';

export interface OutboxArgs {
  limit: number;
}

export type OutboxResult = OutboxSnapshot | { enabled: false; reason: string };

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/**
 * The undelivered outbox: backlog, quota and the oldest rows (seq, topic, size, age, failed
 * attempts). Payloads are never shown: they may hold personal data.
 */
export const outboxCommand = defineRemoteCommand({
  name: 'outbox',
  summary: 'messages waiting for the central system: backlog, quota, oldest rows and failed attempts',
  usage: '[LIMIT]',
  help: `LIMIT: how many of the oldest pending rows to list (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT}). Payloads are not shown.`,
  args: z.object({ limit: z.number().int().min(1).max(MAX_LIMIT) }).strict(),
  parseCli(rest): OutboxArgs {
    const [word] = positionals('outbox', rest, 0, 1);
    if (word === undefined) return { limit: DEFAULT_LIMIT };
    const n = Number(word);
    if (!/^\d+$/.test(word) || n < 1 || n > MAX_LIMIT) throw new UsageError(`LIMIT must be a whole number from 1 to ${MAX_LIMIT}, got '${word}'`);
    return { limit: n };
  },
  handle(ctx, args: OutboxArgs): OutboxResult {
    return syncControl(ctx).outboxSnapshot(args.limit) ?? { enabled: false, reason: 'mqtt.enabled is false in the lane configuration' };
  },
  formatHuman(r: OutboxResult, _args, fmt): HumanBlock[] {
    if (!('rows' in r)) return [{ kind: 'text', text: `MQTT link off: ${r.reason} (the outbox keeps filling)` }];
    const summary = `${r.pending} pending, ${quotaText(r.pendingBytes, r.quotaBytes, r.quotaLevel)}, oldest ${r.oldestAt === null ? '-' : formatAgo(r.oldestAt, fmt.now)}; broker ${r.connected ? 'connected' : 'NOT connected'}`;
    if (r.rows.length === 0) return [{ kind: 'text', text: summary }];
    const rows = r.rows.map((row) => [
      String(row.seq),
      row.topic,
      formatBytes(row.bytes),
      formatAgo(row.createdAt, fmt.now),
      String(row.attempts),
      row.lastAttemptAt === null ? '-' : formatAgo(row.lastAttemptAt, fmt.now),
    ]);
    return [
      { kind: 'text', text: summary },
      { kind: 'table', columns: ['SEQ', 'TOPIC', 'SIZE', 'AGE', 'FAILED TRIES', 'LAST TRY'], rows },
    ];
  },
});
