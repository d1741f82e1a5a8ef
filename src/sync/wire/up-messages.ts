import { z } from 'zod';
import { EVENT_TYPES } from '../topics.js';
import { evidenceRef, isoInstant, slugId, topicSafeId, uuidV7 } from './common.js';

/**
 * Messages the lane publishes. The JSON Schemas in docs/schemas/mqtt/ are generated from these
 * (src/sync/wire/write-json-schemas.ts) and a test keeps them current.
 */
const laneRef = { v: z.literal(1), site: slugId, lane: slugId };

export const LANE_OPERATING_MODES = ['normal', 'locked', 'free-pass', 'maintenance'] as const;
export const HEALTH_SUMMARIES = ['ok', 'degraded', 'failed'] as const;

export const stateOnlineSchema = z
  .strictObject({
    ...laneRef,
    state: z.literal('online'),
    birth: z.number().int().min(1).describe('Increases on every connection; the will of the same connection carries it too.'),
    at: isoInstant.describe('When this connection was announced.'),
    software: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
    mode: z.enum(LANE_OPERATING_MODES).describe('Operating mode set by set-mode (or locally).'),
    health: z.strictObject({
      summary: z.enum(HEALTH_SUMMARIES),
      devices: z.record(z.string(), z.enum(['starting', 'ok', 'degraded', 'failed', 'stopped'])),
    }),
    lists: z.record(z.string(), z.number().int().min(0)).describe('Cached list versions (0: never received).'),
    outbox: z.strictObject({
      pending: z.number().int().min(0),
      oldestAt: isoInstant.nullable(),
      quotaUsed: z.number().min(0).describe('Pending bytes / quota (0..1, above 1 when over).'),
    }),
  })
  .meta({ title: 'state (online)', description: 'Retained. Published on every (re)connect, then on every change.' });

export const stateOfflineSchema = z
  .strictObject({
    ...laneRef,
    state: z.literal('offline'),
    birth: z.number().int().min(1),
    at: isoInstant.describe('For the will: when the connection it belongs to was made.'),
    reason: z.enum(['connection-lost', 'shutdown']),
  })
  .meta({ title: 'state (offline)', description: 'Retained. The will (connection-lost) or the clean-stop message (shutdown).' });

export const stateSchema = z
  .discriminatedUnion('state', [stateOnlineSchema, stateOfflineSchema])
  .meta({ title: 'state', description: 'bg/v1/{site}/{lane}/state, retained, QoS 1.' });

/**
 * Event envelope for everything that leaves from the outbox. `seq` is the lane's outbox sequence
 * number: gap-free and increasing in the order the rows were committed.
 */
export const eventSchema = z
  .strictObject({
    ...laneRef,
    id: uuidV7.describe('Message id; the central de-duplicates by it.'),
    seq: z.number().int().min(1).describe('Per-lane sequence number (outbox order).'),
    type: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\/[A-Za-z0-9._-]+)*$/)
      .describe(`The topic below the lane, e.g. ${EVENT_TYPES.map((t) => `event/${t}`).join(', ')}.`),
    at: isoInstant.describe('When the row was committed to the outbox.'),
    body: z.record(z.string(), z.unknown()).describe('The event itself (passage summary, alarm, device health change).'),
  })
  .meta({
    title: 'event',
    description: 'bg/v1/{site}/{lane}/{type} (event/passage, event/alarm, event/device-health ...), QoS 1, from the outbox.',
  });

export const REJECTION_REASONS = [
  'oversized',
  'malformed-json',
  'schema-violation',
  'unknown-command',
  'bad-args',
  'no-trusted-key',
  'bad-signature',
  'not-yet-valid',
  'expired',
  'lifetime-too-long',
  'replayed',
  'superseded',
  'not-supported',
  'interlock',
  'busy',
  'link-stopping',
  'store-unavailable',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export const commandOutcomeSchema = z.strictObject({
  result: z.enum(['done', 'failed']),
  detail: z.string().max(500).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const resultCore = {
  ...laneRef,
  id: topicSafeId.nullable().describe('The command id; null when none could be read.'),
  name: z.string().max(64).nullable(),
  receivedAt: isoInstant,
  finishedAt: isoInstant,
};

export const firstResultSchema = z.strictObject({
  status: z.enum(['accepted', 'rejected']),
  reason: z.enum(REJECTION_REASONS).optional(),
  outcome: commandOutcomeSchema.optional(),
  finishedAt: isoInstant.nullable(),
});

export const cmdResultSchema = z
  .strictObject({
    ...resultCore,
    status: z.enum(['accepted', 'rejected']),
    reason: z.enum(REJECTION_REASONS).optional().describe('Set when rejected.'),
    detail: z.string().max(500).optional(),
    outcome: commandOutcomeSchema.optional().describe('Set when accepted: what executing the command did.'),
    firstResult: firstResultSchema.optional().describe('With reason replayed: the result of the first delivery.'),
  })
  .meta({ title: 'cmd-result', description: 'bg/v1/{site}/{lane}/cmd-result/{id} (cmd-result/invalid when no id could be read), QoS 1.' });

export const RESYNC_REASONS = ['gap', 'invalid-delta', 'invalid-snapshot', 'requested', 'stalled-snapshot'] as const;

export const resyncRequestSchema = z
  .strictObject({
    ...laneRef,
    id: uuidV7,
    list: z.string().min(1).max(32),
    haveVersion: z.number().int().min(0),
    reason: z.enum(RESYNC_REASONS),
    detail: z.string().max(500).optional(),
    at: isoInstant,
  })
  .meta({ title: 'lists/resync', description: 'bg/v1/{site}/{lane}/lists/resync, QoS 1: send this lane a full snapshot.' });

export const evidenceSchema = z
  .strictObject({
    ...laneRef,
    id: uuidV7.describe('Message id; also the last topic level.'),
    ref: evidenceRef,
    contentType: z.enum(['image/jpeg', 'image/png', 'image/webp']),
    bytes: z.number().int().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    at: isoInstant,
    data: z.string().describe('The image, standard base64.'),
  })
  .meta({ title: 'evidence', description: 'bg/v1/{site}/{lane}/evidence/{id}, QoS 1, on request (send-evidence) or by policy.' });

/** Telemetry counters: non-negative integers by name (names listed in docs/mqtt.md; new ones may appear). */
const counterRecord = z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/), z.number().int().min(0));

export const telemetrySchema = z
  .strictObject({
    ...laneRef,
    at: isoInstant,
    intervalSeconds: z.number().int().min(1).describe('The next one follows about this much later (mqtt.telemetrySeconds).'),
    uptimeSeconds: z.number().int().min(0).describe('Since the link started.'),
    birth: z.number().int().min(0).describe('Birth number of the current connection (as in state).'),
    mode: z.enum(LANE_OPERATING_MODES),
    health: z.strictObject({
      summary: z.enum(HEALTH_SUMMARIES),
      devices: z.record(z.string(), z.enum(['starting', 'ok', 'degraded', 'failed', 'stopped'])),
    }),
    counters: counterRecord.describe('Link counters since start: published, delivered, publishFailures, commandsAccepted ...'),
    outbox: z.strictObject({
      pending: z.number().int().min(0),
      pendingBytes: z.number().int().min(0),
      oldestAt: isoInstant.nullable(),
      quotaUsed: z.number().min(0),
      deliveredThrough: z.number().int().min(0).describe('Delivered watermark: every seq up to it is acknowledged.'),
    }),
    process: z.strictObject({
      cpuPercent: z.number().min(0).describe('CPU time of the lane process over the interval, % of one core.'),
      rssBytes: z.number().int().min(0),
      heapUsedBytes: z.number().int().min(0),
      eventLoopLagMs: z
        .strictObject({ p50: z.number().min(0), p99: z.number().min(0), max: z.number().min(0) })
        .describe('Event-loop delay over the interval.'),
    }),
    lists: z
      .record(
        z.string(),
        z.strictObject({
          version: z.number().int().min(0),
          rows: z.number().int().min(0),
          ageSeconds: z.number().int().min(0).nullable().describe('Since the last applied delta or snapshot; null: never received.'),
        }),
      )
      .describe('Cached lists: version, row count, age.'),
  })
  .meta({ title: 'telemetry', description: 'bg/v1/{site}/{lane}/telemetry, QoS 0, not retained, every mqtt.telemetrySeconds; not from the outbox.' });

export type StateOnline = z.output<typeof stateOnlineSchema>;
export type StateOffline = z.output<typeof stateOfflineSchema>;
export type StateMessage = z.output<typeof stateSchema>;
export type EventMessage = z.output<typeof eventSchema>;
export type CmdResult = z.output<typeof cmdResultSchema>;
export type CommandOutcome = z.output<typeof commandOutcomeSchema>;
export type FirstResult = z.output<typeof firstResultSchema>;
export type ResyncRequest = z.output<typeof resyncRequestSchema>;
export type ResyncReason = (typeof RESYNC_REASONS)[number];
export type EvidenceMessage = z.output<typeof evidenceSchema>;
export type TelemetryMessage = z.output<typeof telemetrySchema>;
export type LaneOperatingMode = (typeof LANE_OPERATING_MODES)[number];
