import type { ConnectionStatus } from './connection/mqtt-connection.js';
import type { QuotaLevel } from './outbox/quota-watch.js';

/** What `lanectl sync status` shows; also the data of the snapshot command. */
export interface SyncStatusSnapshot {
  enabled: boolean;
  connection: ConnectionStatus;
  topicBase: string;
  birth: number;
  announced: boolean;
  outbox: {
    pending: number;
    pendingBytes: number;
    oldestAt: number | null;
    inflight: number;
    catchingUp: boolean;
    quotaBytes: number;
    quotaLevel: QuotaLevel;
    drainRatePerSecond: number;
    published: number;
    delivered: number;
    failed: number;
  };
  commands: { accepted: number; rejected: number; rejectionsNotPublished: number; trustedKeys: number };
  lists: {
    versions: Record<string, { version: number; updatedAt: number; rowCount: number }>;
    awaitingSnapshot: string[];
    deltasApplied: number;
    deltasReplayed: number;
    gaps: number;
    snapshotsSwapped: number;
    rejected: number;
  };
}

/** One pending outbox row as `lanectl outbox` lists it (no payload: it may hold personal data). */
export interface OutboxRowSummary {
  seq: number;
  messageId: string;
  topic: string;
  bytes: number;
  createdAt: number;
  attempts: number;
  lastAttemptAt: number | null;
}

export interface OutboxSnapshot {
  pending: number;
  pendingBytes: number;
  oldestAt: number | null;
  quotaBytes: number;
  quotaLevel: QuotaLevel;
  connected: boolean;
  rows: OutboxRowSummary[];
}
