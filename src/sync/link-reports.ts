import type { HealthReport, HealthState } from '../app/service.js';
import type { Clock } from '../util/clock.js';
import type { CommandCounters } from './commands/command-intake.js';
import type { MqttConnection } from './connection/mqtt-connection.js';
import type { ListIntakeCounters } from './lists/list-intake.js';
import type { BacklogReading } from './outbox/backlog-meter.js';
import type { OutboxDrainer } from './outbox/outbox-drainer.js';
import type { QuotaWatch } from './outbox/quota-watch.js';
import type { SyncStore } from './store-port.js';
import type { OutboxSnapshot, SyncStatusSnapshot } from './sync-status.js';
import type { SyncTuning } from './sync-tuning.js';

/** What MqttLink hands to the report builders (health, lanectl sync status, lanectl outbox). */
export interface LinkReportParts {
  enabled: boolean;
  running: boolean;
  connection: MqttConnection;
  drainer: OutboxDrainer;
  commands: CommandCounters | null;
  lists: ListIntakeCounters | null;
  backlog: BacklogReading;
  quota: QuotaWatch;
  tuning: SyncTuning;
  trustedKeys: number;
  birth: number;
  announced: boolean;
  awaitingSnapshot: string[];
  store: SyncStore;
  topicBase: string;
}

export function healthReport(p: LinkReportParts, state: HealthState, since: number, problem: string | null): HealthReport {
  const c = p.connection.status();
  const d = p.drainer.counters;
  return {
    state,
    since,
    reconnects: c.reconnects,
    lastError: problem ?? c.lastError,
    counters: {
      birth: p.birth,
      backlog: p.backlog.pending,
      backlogBytes: p.backlog.bytes,
      inflight: p.drainer.inflightCount,
      published: d.published,
      delivered: d.delivered,
      publishFailures: d.failed,
      commandsAccepted: p.commands?.accepted ?? 0,
      commandsRejected: p.commands?.rejected ?? 0,
      deltasApplied: p.lists?.deltasApplied ?? 0,
      listGaps: p.lists?.gaps ?? 0,
      snapshotsSwapped: p.lists?.snapshotsSwapped ?? 0,
      listMessagesRejected: p.lists?.listMessagesRejected ?? 0,
    },
  };
}

/** List versions; empty before the store has started (its getters throw until then). */
function listVersions(p: LinkReportParts): SyncStatusSnapshot['lists']['versions'] {
  if (!p.running) return {};
  try {
    return Object.fromEntries(p.store.lists.versions().map((v) => [v.list, { version: v.version, updatedAt: v.updatedAt, rowCount: v.rowCount }]));
  } catch {
    return {};
  }
}

export function syncStatus(p: LinkReportParts): SyncStatusSnapshot {
  const d = p.drainer.counters;
  const l = p.lists;
  return {
    enabled: p.enabled,
    connection: p.connection.status(),
    topicBase: p.topicBase,
    birth: p.birth,
    announced: p.announced,
    outbox: {
      pending: p.backlog.pending,
      pendingBytes: p.backlog.bytes,
      oldestAt: p.backlog.oldestAt,
      inflight: p.drainer.inflightCount,
      catchingUp: p.drainer.catchingUp,
      quotaBytes: p.tuning.outboxQuotaBytes,
      quotaLevel: p.quota.level,
      drainRatePerSecond: p.tuning.drainRatePerSecond,
      published: d.published,
      delivered: d.delivered,
      failed: d.failed,
    },
    commands: { ...(p.commands ?? { accepted: 0, rejected: 0, rejectionsNotPublished: 0 }), trustedKeys: p.trustedKeys },
    lists: {
      versions: listVersions(p),
      awaitingSnapshot: p.awaitingSnapshot,
      deltasApplied: l?.deltasApplied ?? 0,
      deltasReplayed: l?.deltasReplayed ?? 0,
      gaps: l?.gaps ?? 0,
      snapshotsSwapped: l?.snapshotsSwapped ?? 0,
      rejected: l?.listMessagesRejected ?? 0,
    },
  };
}

export function outboxSnapshot(p: LinkReportParts, limit: number): OutboxSnapshot {
  const rows = p.running
    ? p.store.outbox.pending(Math.max(1, Math.min(1000, limit)), 0).map((r) => ({
        seq: r.seq,
        messageId: r.messageId,
        topic: r.topic,
        bytes: Buffer.byteLength(r.payload),
        createdAt: r.createdAt,
        attempts: r.attempts,
        lastAttemptAt: r.lastAttemptAt,
      }))
    : [];
  return {
    pending: p.backlog.pending,
    pendingBytes: p.backlog.bytes,
    oldestAt: p.backlog.oldestAt,
    quotaBytes: p.tuning.outboxQuotaBytes,
    quotaLevel: p.quota.level,
    connected: p.connection.connected !== null,
    rows,
  };
}

/** Resolves with the promise's value, or undefined after `ms` (the promise is left to settle). */
export function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const t = clock.setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        t.cancel();
        resolve(v);
      },
      (err: unknown) => {
        t.cancel();
        reject(err as Error);
      },
    );
  });
}
