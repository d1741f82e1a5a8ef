/**
 * Knobs of the MQTT link that are not (yet) keys of the lane config. The defaults are what a lane
 * runs with; the composition root may override any of them (docs/mqtt.md lists them and the config
 * keys proposed for each).
 */
export interface SyncTuning {
  /** Backlog messages per second sent while live events also flow (live events are not limited). */
  drainRatePerSecond: number;
  /** Burst allowance of the backlog rate limiter. */
  drainBurst: number;
  /** QoS 1 publishes awaiting PUBACK at once; also capped by the broker's Receive Maximum (MQTT 5). */
  maxInflight: number;
  /** Rows read from the outbox per query. */
  readBatch: number;
  /** Delivered marks are written in one transaction every this many ms (or every `readBatch` acks). */
  ackFlushMs: number;
  /** Accepted clock difference between the central system and the lane for command validity. */
  clockSkewSeconds: number;
  /** Commands valid longer than this are refused (their ids would have to be remembered as long). */
  maxCommandLifetimeSeconds: number;
  /** Executed command ids are remembered until expiry plus this margin. */
  commandMemoryMarginSeconds: number;
  /** Largest incoming command payload. */
  maxCommandBytes: number;
  /** Largest incoming list message (a delta or one snapshot chunk). */
  maxListMessageBytes: number;
  /** Undelivered outbox bytes allowed; an alarm is raised at `outboxAlarmRatio` of it. */
  outboxQuotaBytes: number;
  outboxAlarmRatio: number;
  /** How often the outbox backlog is measured for the quota and the health counters. */
  backlogCheckMs: number;
  /** Largest evidence image published; larger ones are refused with a reason. */
  maxEvidenceBytes: number;
  /** First reconnect delay and its ceiling (design guide: 0.5 s -> 5 s). */
  reconnectInitialMs: number;
  reconnectMaxMs: number;
  /** CONNACK wait before a connection attempt counts as failed. */
  connectTimeoutMs: number;
  /** Rejections published per second at most; a flood of junk is counted and logged, not echoed. */
  rejectionsPerSecond: number;
}

export const DEFAULT_SYNC_TUNING: Readonly<SyncTuning> = Object.freeze({
  drainRatePerSecond: 200,
  drainBurst: 50,
  maxInflight: 64,
  readBatch: 256,
  ackFlushMs: 50,
  clockSkewSeconds: 120,
  maxCommandLifetimeSeconds: 24 * 3600,
  commandMemoryMarginSeconds: 3600,
  maxCommandBytes: 64 * 1024,
  maxListMessageBytes: 32 * 1024 * 1024,
  outboxQuotaBytes: 512 * 1024 * 1024,
  outboxAlarmRatio: 0.8,
  backlogCheckMs: 5_000,
  maxEvidenceBytes: 1024 * 1024,
  reconnectInitialMs: 500,
  reconnectMaxMs: 5_000,
  connectTimeoutMs: 10_000,
  rejectionsPerSecond: 20,
});

export function resolveTuning(overrides: Partial<SyncTuning> | undefined): SyncTuning {
  const merged = { ...DEFAULT_SYNC_TUNING, ...(overrides ?? {}) };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`sync tuning ${key} must be a positive number`);
    }
  }
  if (merged.outboxAlarmRatio >= 1) throw new Error('sync tuning outboxAlarmRatio must be below 1');
  return merged;
}
