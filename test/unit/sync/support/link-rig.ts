import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import mqtt from 'mqtt';
import pino from 'pino';
import { CentralSim, type SimLists } from '../../../../src/sync/central-sim/central-sim.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from '../../../../src/sync/commands/lane-command-handler.js';
import { MqttLink } from '../../../../src/sync/mqtt-link.js';
import type { SyncTuning } from '../../../../src/sync/sync-tuning.js';
import type { StateMessage } from '../../../../src/sync/wire/up-messages.js';
import { LogCapture } from '../../../helpers/log-capture.js';
import { expectWireValid, schemaNameForTopic } from './json-schema-check.js';
import type { TempStore } from './lane-store.js';

export const SITE = 'mongcai';
export const LANE = 'p-entry-03';
export const STATE_TOPIC = `bg/v1/${SITE}/${LANE}/state`;

/** Reads the retained state as a client connecting now would see it. */
export async function retainedState(url: string): Promise<StateMessage> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  try {
    const got = new Promise<StateMessage>((resolve) => client.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as StateMessage)));
    await client.subscribeAsync(STATE_TOPIC, { qos: 1 });
    return await got;
  } finally {
    await client.endAsync(true);
  }
}

export class RecordingHandler implements LaneCommandHandler {
  executed: LaneCommand[] = [];
  async execute(cmd: LaneCommand): Promise<HandlerResult> {
    this.executed.push(cmd);
    return { status: 'done', detail: `${cmd.name} done` };
  }
}

export function centralKeys(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
  return { privateKey, publicKeyBase64: Buffer.from(x, 'base64url').toString('base64') };
}

export interface LinkRigOptions {
  url: string;
  temp: TempStore;
  publicKeyBase64: string;
  protocolVersion?: 4 | 5;
  tuning?: Partial<SyncTuning>;
  handler?: LaneCommandHandler;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized: boolean };
  username?: string;
  password?: string;
  evidence?: 'none' | 'on-refer' | 'on-deny-or-refer' | 'all';
  telemetrySeconds?: number;
  laneState?: ConstructorParameters<typeof MqttLink>[0]['laneState'];
}

export function makeLink(o: LinkRigOptions): { link: MqttLink; logs: LogCapture; handler: LaneCommandHandler } {
  const logs = new LogCapture();
  const handler = o.handler ?? new RecordingHandler();
  const link = new MqttLink({
    config: {
      enabled: true,
      url: o.url,
      protocolVersion: o.protocolVersion ?? 4,
      keepaliveSeconds: 30,
      topicPrefix: 'bg/v1',
      site: SITE,
      lane: LANE,
      ...(o.tls ? { tls: o.tls } : {}),
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.evidence !== undefined ? { evidence: o.evidence } : {}),
      ...(o.telemetrySeconds !== undefined ? { telemetrySeconds: o.telemetrySeconds } : {}),
    },
    ...(o.laneState !== undefined ? { laneState: o.laneState } : {}),
    secrets: { centralPublicKeys: [o.publicKeyBase64], ...(o.password !== undefined ? { mqttPassword: o.password } : {}) },
    store: o.temp.store,
    clock: { now: Date.now, monotonic: () => performance.now(), setTimeout: sysSetTimeout, setInterval: sysSetInterval },
    log: pino({ level: 'debug' }, logs),
    commandHandler: handler,
    software: { name: 'lane-controller', version: '0.1.0-test' },
    tuning: { reconnectInitialMs: 100, reconnectMaxMs: 500, ...o.tuning },
  });
  return { link, logs, handler };
}

function sysSetTimeout(fn: () => void, ms: number) {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
}
function sysSetInterval(fn: () => void, ms: number) {
  const t = setInterval(fn, ms);
  return { cancel: () => clearInterval(t) };
}

/**
 * A central-sim that validates every message it sees, in both directions, against the published
 * JSON Schemas: upward messages as they arrive, and what it publishes before it goes out.
 */
export async function startValidatingCentral(url: string, privateKey: KeyObject, lists?: SimLists, extra: { protocolVersion?: 4 | 5; persistentSession?: boolean } = {}) {
  /** Upward messages that broke their schema (must stay empty). */
  const invalid: string[] = [];
  /** Downward messages the central sent that broke their schema (tests send broken ones on purpose). */
  const sentInvalid: string[] = [];
  const central = new CentralSim({
    url,
    site: SITE,
    key: privateKey,
    lists,
    chunkRows: 2,
    persistentSession: extra.persistentSession,
    mqtt: { protocolVersion: extra.protocolVersion ?? 4 },
  });
  central.on('raw', (topic, payload) => {
    try {
      expectWireValid(schemaNameForTopic(topic), JSON.parse(payload.toString('utf8')));
    } catch (err) {
      invalid.push(`${topic}: ${(err as Error).message}`);
    }
  });
  const publish = central.publish.bind(central);
  central.publish = async (topic, payload, retain) => {
    const text = payload.toString();
    if (!topic.endsWith('/state')) {
      // Validated before it leaves, like the lane validates what it receives.
      try {
        expectWireValid(schemaNameForTopic(topic), JSON.parse(text));
      } catch (err) {
        sentInvalid.push(`${topic}: ${(err as Error).message}`);
      }
    }
    return publish(topic, payload, retain);
  };
  await central.start();
  return { central, invalid, sentInvalid };
}
