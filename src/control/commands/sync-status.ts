import { z } from 'zod';
import type { OutboxSnapshot, SyncStatusSnapshot } from '../../sync/sync-status.js';
import { defineRemoteCommand, type HumanBlock } from '../command-spec.js';
import type { ControlContext } from '../contract.js';
import { CommandError } from '../protocol.js';
import { expectNoArgs } from './cli-args.js';
import { formatAgo, orDash } from './format.js';

/**
 * What the daemon must offer for the sync commands (sync status, outbox). Until ControlContext
 * declares these, the commands check for them at run time and answer `not_available`.
 */
export interface SyncControl {
  /** null when the MQTT link is not configured (mqtt.enabled false). */
  syncStatus(): SyncStatusSnapshot | null;
  outboxSnapshot(limit: number): OutboxSnapshot | null;
}

export function syncControl(ctx: ControlContext): SyncControl {
  const c = ctx as ControlContext & Partial<SyncControl>;
  if (typeof c.syncStatus !== 'function' || typeof c.outboxSnapshot !== 'function') {
    throw new CommandError('not_available', 'this daemon does not expose the MQTT link to lanectl');
  }
  return c as ControlContext & SyncControl;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function quotaText(pendingBytes: number, quotaBytes: number, level: string): string {
  const pct = quotaBytes > 0 ? (100 * pendingBytes) / quotaBytes : 0;
  return `${formatBytes(pendingBytes)} of ${formatBytes(quotaBytes)} quota (${pct < 0.1 && pct > 0 ? '<0.1' : pct.toFixed(1)}%${level === 'ok' ? '' : `, ${level.toUpperCase()}`})`;
}

export type SyncStatusResult = SyncStatusSnapshot | { enabled: false; reason: string };

function connectionLine(s: SyncStatusSnapshot, now: number): string {
  const c = s.connection;
  const base = `${c.state} ${c.state === 'connected' ? 'to' : '-'} ${c.url} (MQTT ${c.protocolVersion === 5 ? '5' : '3.1.1'}) since ${formatAgo(c.since, now)}`;
  const retry = c.nextAttemptAt !== null ? `, next attempt in ${Math.max(0, Math.round((c.nextAttemptAt - now) / 1000))} s` : '';
  return `${base}, ${c.reconnects} reconnect${c.reconnects === 1 ? '' : 's'}${retry}`;
}

export const syncStatusCommand = defineRemoteCommand({
  name: 'sync status',
  summary: 'MQTT link: connection, availability birth, outbox backlog and quota, commands, list versions',
  usage: '',
  help: 'Exits 1 when the link is not connected (for scripts).',
  args: z.object({}).strict(),
  parseCli: (rest) => expectNoArgs('sync status', rest),
  handle(ctx): SyncStatusResult {
    const s = syncControl(ctx).syncStatus();
    return s ?? { enabled: false, reason: 'mqtt.enabled is false in the lane configuration' };
  },
  exitCode: (r: SyncStatusResult) => (r.enabled && 'connection' in r && r.connection.state === 'connected' ? 0 : 1),
  formatHuman(r: SyncStatusResult, _args, fmt): HumanBlock[] {
    if (!('connection' in r)) return [{ kind: 'text', text: `MQTT link off: ${r.reason}` }];
    const o = r.outbox;
    const rows: Array<readonly [string, string]> = [
      ['connection', connectionLine(r, fmt.now)],
      ['client id', r.connection.clientId],
      ['last error', orDash(r.connection.lastError)],
      ['topics', `${r.topicBase}/...`],
      ['birth', `${r.birth}${r.announced ? ' (announced)' : ' (not announced on this connection yet)'}`],
      ['outbox', `${o.pending} pending, ${quotaText(o.pendingBytes, o.quotaBytes, o.quotaLevel)}, oldest ${o.oldestAt === null ? '-' : formatAgo(o.oldestAt, fmt.now)}`],
      ['drain', `${o.inflight} in flight${o.catchingUp ? ', catching up on backlog' : ''}; backlog limit ${o.drainRatePerSecond} msg/s; published ${o.published}, delivered ${o.delivered}, failed ${o.failed}`],
      ['commands', `${r.commands.accepted} accepted, ${r.commands.rejected} rejected (${r.commands.rejectionsNotPublished} not answered: rate limit); ${r.commands.trustedKeys} trusted key${r.commands.trustedKeys === 1 ? '' : 's'}`],
      ['lists', `${r.lists.deltasApplied} deltas applied, ${r.lists.deltasReplayed} replays ignored, ${r.lists.gaps} gaps, ${r.lists.snapshotsSwapped} snapshots, ${r.lists.rejected} refused`],
    ];
    if (r.lists.awaitingSnapshot.length > 0) rows.push(['awaiting', `snapshot of ${r.lists.awaitingSnapshot.join(', ')}`]);
    const lists = Object.entries(r.lists.versions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([list, v]) => [list, String(v.version), String(v.rowCount), v.updatedAt > 0 ? formatAgo(v.updatedAt, fmt.now) : 'never']);
    return [
      { kind: 'fields', rows },
      { kind: 'text', text: '' },
      { kind: 'table', columns: ['LIST', 'VERSION', 'ROWS', 'UPDATED'], rows: lists },
    ];
  },
});
