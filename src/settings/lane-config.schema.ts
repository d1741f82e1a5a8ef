import { z } from 'zod';
import { checkFlowWiring, flowSectionSchema } from './flow-wiring.schema.js';
import { deviceConfigSchema } from '../../drivers/config-schemas.js';
import { displaySectionSchema } from '../display/display-config.js';

/**
 * The lane daemon's configuration schema. This file is the ONE place defaults live: the loader, the JSON
 * Schema for editors and docs/configuration.md all follow from it. Every object is strict so a typo is an
 * error instead of a silently ignored key.
 *
 * Sections use `.prefault({})` rather than `.default({})`: in zod 4 a default is returned as-is, while a
 * prefault is parsed, so an omitted section still receives the defaults of its keys.
 */

const SLUG = /^[a-z0-9][a-z0-9-]{0,31}$/;
const slug = (what: string) =>
  z.string().regex(SLUG, { message: `${what} must be 1-32 characters of a-z, 0-9 and "-", not starting with "-"` });

const pathString = z.string().min(1, { message: 'must not be empty' });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const laneSectionSchema = z.strictObject({
  id: slug('lane id').describe('Lane id; the last MQTT topic level: bg/v1/{site}/{lane}/.'),
  site: slug('site').describe('Crossing point id, shared by all lanes of the site (e.g. mongcai).'),
  kind: z.enum(['people', 'vehicle']).describe('Which lane state machine runs.'),
  direction: z.enum(['entry', 'exit']).describe('Direction of travel through the lane.'),
  name: z.string().min(1).max(80).optional().describe('Display name for the lane display and lanectl; not used in topics.'),
});

export const logSectionSchema = z.strictObject({
  level: z.enum(LOG_LEVELS).default('info').describe('pino log level. Applies live.'),
});

export const storageSectionSchema = z.strictObject({
  dataDir: pathString
    .default('./var')
    .describe('SQLite cache, journal and outbox live here. Relative paths resolve against the working directory.'),
  // Its default depends on dataDir, so the loader fills it in (resolve-paths.ts).
  evidenceDir: pathString.optional().describe('Evidence images; default ${dataDir}/evidence.'),
  evidenceQuotaMb: z.number().int().min(1).default(2048).describe('Oldest evidence is deleted above this size.'),
  evidenceRetentionDays: z.number().int().min(1).default(30).describe('Evidence older than this is deleted.'),
});

// YAML reads an unquoted 0660 as the decimal number 660, so the mode must be a quoted string.
const socketModeSchema = z
  .string({ error: "must be an octal mode in quotes, e.g. '0660' (unquoted 0660 is read by YAML as the number 660)" })
  .regex(/^0[0-7]{3}$/, { message: "must be an octal mode like '0660'" });

export const controlSectionSchema = z.strictObject({
  socketPath: pathString.optional().describe('Unix socket for lanectl; default ${dataDir}/lanectl.sock.'),
  socketMode: socketModeSchema.default('0660').describe("Octal permission of the socket, quoted: '0660'."),
  group: z.string().min(1).optional().describe('Unix group given to the socket so technicians in it can run lanectl.'),
  maxRequestBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(65536)
    .describe('Largest request accepted on the control socket.'),
});

export const mqttTlsSchema = z.strictObject({
  caFile: pathString.optional().describe('PEM CA bundle that signed the broker certificate.'),
  certFile: pathString.optional().describe('PEM client certificate (with keyFile).'),
  keyFile: pathString.optional().describe('PEM private key of the client certificate.'),
  rejectUnauthorized: z.boolean().default(true).describe('Verify the broker certificate. Leave true outside a lab.'),
});

const MQTT_SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

// The URL is never echoed in messages: an operator may have pasted credentials into it.
const mqttUrlSchema = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid URL (expected e.g. mqtts://broker.example:8883)' });
    return;
  }
  if (!MQTT_SCHEMES.includes(url.protocol)) {
    ctx.addIssue({ code: 'custom', message: `scheme must be one of ${MQTT_SCHEMES.map((s) => `${s}//`).join(', ')}` });
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      message: 'must not contain credentials; set mqtt.username here and mqttPassword in the secrets file',
    });
  }
});

export const mqttSectionSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Connect to the central broker. Off: the outbox keeps filling.'),
    url: mqttUrlSchema
      .default('mqtt://127.0.0.1:1883')
      .describe('Broker URL: mqtt://, mqtts://, ws:// or wss://; no credentials in it.'),
    clientId: z.string().min(1).max(128).optional().describe('MQTT client id; the sync service derives one from site and lane.'),
    protocolVersion: z.literal([5, 4]).default(5).describe('MQTT protocol version.'),
    keepaliveSeconds: z.number().int().min(5).max(3600).default(30).describe('MQTT keepalive.'),
    username: z.string().min(1).optional().describe('Broker user; its password goes in the secrets file (mqttPassword).'),
    tls: mqttTlsSchema.optional().describe('TLS files for mqtts:// and wss://.'),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, { message: 'must be topic levels without wildcards or slashes at the ends, e.g. bg/v1' })
      .default('bg/v1')
      .describe('Topic prefix before {site}/{lane}/.'),
    drainRatePerSecond: z.number().int().min(1).default(200).describe('Backlog messages per second while live events flow (live events are not limited).'),
    maxInflight: z.number().int().min(1).max(65535).default(64).describe('QoS 1 publishes awaiting PUBACK at once.'),
    clockSkewSeconds: z.number().int().min(0).max(3600).default(120).describe('Accepted clock difference with the central system for command validity.'),
    maxCommandLifetimeSeconds: z.number().int().min(60).max(604800).default(86400).describe('Commands valid longer than this are refused.'),
    outboxQuotaMb: z.number().int().min(1).default(512).describe('Disk the outbox backlog may use; an alarm is raised before it fills.'),
    maxEvidenceKb: z.number().int().min(1).max(16384).default(1024).describe('Largest evidence image sent up.'),
    evidence: z
      .enum(['none', 'on-refer', 'on-deny-or-refer', 'all'])
      .default('on-refer')
      .describe('Evidence images sent without being asked, after their passage event: none, on-refer (refer and alarm), on-deny-or-refer, all.'),
    telemetrySeconds: z.number().int().min(0).max(86400).default(60).describe('Telemetry message interval (QoS 0, not from the outbox); 0: off.'),
  })
  .superRefine((mqtt, ctx) => {
    // TLS options on a plain-text URL would be silently ignored: the operator believes the link is encrypted.
    if (mqtt.tls !== undefined && /^(mqtt|ws):/.test(mqtt.url)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'TLS options are set but url uses plain mqtt:// or ws://; use mqtts:// or wss://' });
    }
    if (mqtt.tls !== undefined && (mqtt.tls.certFile === undefined) !== (mqtt.tls.keyFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'a client certificate needs both certFile and keyFile' });
    }
  });

const probability = z.number().min(0).max(1);

export const policySectionSchema = z.strictObject({
  // Older lists deny by default: the lane can no longer prove a credential is still valid.
  maxListAgeMinutes: z.number().int().min(1).default(1440).describe('Deny when the cached lists are older than this.'),
  faceMatchThreshold: probability.default(0.5).describe('Minimum face similarity (0..1) for a match.'),
  presentationAttackThreshold: probability
    .default(0.5)
    .describe('Presentation-attack score (0..1) at or above which a face is refused as a spoof.'),
  readWindowSeconds: z.number().int().min(1).max(600).default(30).describe('Time allowed to present all credentials of one passage.'),
  requireDriverCredential: z.boolean().default(false).describe('Vehicle lanes: the driver must also present a credential.'),
  requireFace: z
    .boolean()
    .optional()
    .describe('People lanes: a live face must match the enrolled template (default true for people lanes, false for vehicle lanes).'),
});

export const watchdogSectionSchema = z.strictObject({
  maxEventLoopLagMs: z.number().int().min(10).default(1000).describe('Event-loop lag reported as unhealthy.'),
});

export const laneConfigSchema = z.strictObject({
  lane: laneSectionSchema,
  log: logSectionSchema.prefault({}),
  storage: storageSectionSchema.prefault({}),
  control: controlSectionSchema.prefault({}),
  mqtt: mqttSectionSchema.prefault({}),
  policy: policySectionSchema.prefault({}),
  watchdog: watchdogSectionSchema.prefault({}),
  display: displaySectionSchema.prefault({}),
  secretsFile: pathString
    .optional()
    .describe('Separate secrets YAML (mode 0600 or 0640). LANE_SECRETS_FILE in the environment wins.'),
  devices: z.array(deviceConfigSchema).default([]).describe('Lane hardware; each entry is chosen by its type.'),
  flow: flowSectionSchema.optional(),
}).superRefine((cfg, ctx) => {
  // The flow names devices and inputs declared elsewhere in the file: checked once the rest parsed.
  if (!cfg.flow) return;
  for (const issue of checkFlowWiring(cfg.lane.kind, cfg.flow, cfg.devices, cfg.policy.requireFace)) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

/** What the schema produces before the loader fills in derived paths. */
export type ParsedLaneConfig = z.output<typeof laneConfigSchema>;

/** The configuration the daemon runs with: schema output with every path resolved and derived defaults set. */
export type LaneConfig = Omit<ParsedLaneConfig, 'storage' | 'control'> & {
  storage: ParsedLaneConfig['storage'] & { evidenceDir: string };
  control: ParsedLaneConfig['control'] & { socketPath: string };
};
