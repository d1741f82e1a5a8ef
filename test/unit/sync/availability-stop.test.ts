import type { IClientPublishOptions, MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Availability, laneStateInfo, operatingModeOf, type LaneStateInfo } from '../../../src/sync/availability.js';
import { expectWireValid } from './support/json-schema-check.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import { LaneTopics } from '../../../src/sync/topics.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, LANE, makeLink, retainedState, SITE, STATE_TOPIC } from './support/link-rig.js';

/**
 * A clean stop publishes a retained "offline". The link also listens on its own state topic (to
 * replace a late will with "online"); it must not take its own goodbye for a late will, or the
 * retained state after shutdown says "online" for a lane that is gone.
 */
const keys = centralKeys();

function availability(laneState: () => LaneStateInfo = () => ({ mode: 'normal', summary: 'ok', devices: {} })): Availability {
  let n = 0;
  return new Availability({
    topics: new LaneTopics({ prefix: 'bg/v1', site: SITE, lane: LANE }),
    table: () => ({ increment: () => ++n }) as never,
    clock: { now: () => 1_700_000_000_000, monotonic: () => 0, setTimeout: () => ({ cancel() {} }), setInterval: () => ({ cancel() {} }) },
    log: pino({ level: 'silent' }),
    software: { name: 'lane-controller', version: 'test' },
    laneState,
    listVersions: () => ({}),
    outbox: () => ({ pending: 0, oldestAt: null, quotaUsed: 0 }),
  });
}

describe('Availability while stopping', () => {
  it('a late will is stale while running; our own shutdown offline is not, until the next connection', () => {
    const a = availability();
    a.willForNextAttempt();
    const will = Buffer.from(JSON.stringify(a.offline('connection-lost')));
    expect(a.isStale(will)).toBe(true);
    const goodbye = Buffer.from(JSON.stringify(a.offline('shutdown')));
    expect(a.isStale(goodbye)).toBe(false);
    expect(a.isStale(will)).toBe(false); // stopping: nothing is re-announced any more
    a.willForNextAttempt(); // started again: a new connection, a new birth
    expect(a.isStale(goodbye)).toBe(true);
  });
});

/**
 * Mosquitto queues a QoS 1 message to the subscribers (the publisher too, on its own topic) before
 * it sends the PUBACK; aedes acks first. Make the goodbye's publish resolve only once its echo has
 * come back, so the echo reaches the link while it is still connected, as it does with mosquitto.
 */
function holdGoodbyeAckUntilEchoed(l: MqttLink): void {
  const client = (l as unknown as { connection: { connected: MqttClient | null } }).connection.connected;
  if (!client) throw new Error('link not connected');
  const publishAsync = client.publishAsync.bind(client);
  client.publishAsync = (async (topic: string, message: string | Buffer, opts?: IClientPublishOptions) => {
    const goodbye = topic === STATE_TOPIC && String(message).includes('"offline"');
    const echoed = new Promise<void>((resolve) => {
      const onMessage = (t: string) => {
        if (t !== STATE_TOPIC) return;
        client.off('message', onMessage);
        resolve();
      };
      if (goodbye) client.on('message', onMessage);
    });
    const ack = await publishAsync(topic, message, opts);
    if (goodbye) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([echoed, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
      clearTimeout(timer);
    }
    return ack;
  }) as MqttClient['publishAsync'];
}

describe('the lane part of the state message', () => {
  it('carries the lane service mode (closed is locked on the wire) and the devices health, valid against the schema', () => {
    const h = (state: 'ok' | 'degraded' | 'failed') => ({ state, since: 0, reconnects: 0, lastError: null, counters: {} });
    expect(laneStateInfo('closed', { 'qr-entry': h('ok') })).toEqual({ mode: 'locked', summary: 'ok', devices: { 'qr-entry': 'ok' } });
    expect(laneStateInfo('free-pass', { a: h('ok'), b: h('degraded') })).toMatchObject({ mode: 'free-pass', summary: 'degraded' });
    expect(laneStateInfo('maintenance', { a: h('failed'), b: h('degraded') })).toMatchObject({ mode: 'maintenance', summary: 'failed' });
    expect(operatingModeOf('normal')).toBe('normal');
    expect(operatingModeOf(undefined)).toBe('normal');
    expect(operatingModeOf('something-new')).toBe('normal');
    for (const mode of ['normal', 'closed', 'free-pass', 'maintenance']) {
      const a = availability(() => laneStateInfo(mode, { 'entry-door': h('degraded') }));
      a.willForNextAttempt();
      expectWireValid('state', a.online());
    }
  });
});

let broker: AedesBroker;
let temp: TempStore;
let link: MqttLink | null = null;

beforeEach(async () => {
  broker = await startAedes();
  temp = await openTempStore();
});

afterEach(async () => {
  await link?.stop();
  link = null;
  await temp.close();
  await broker.close();
});

describe('MqttLink clean stop (aedes)', () => {
  it('leaves the retained state offline and does not announce again', async () => {
    const made = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 });
    link = made.link;
    await link.start();
    const deadline = Date.now() + 10_000;
    while ((await retainedState(broker.url)).state !== 'online') {
      if (Date.now() > deadline) throw new Error('never announced online');
      await new Promise((r) => setTimeout(r, 50));
    }
    // The link re-announces at most every 2 s; a lane stopped sooner would hide the bug.
    await new Promise((r) => setTimeout(r, 2_300));
    holdGoodbyeAckUntilEchoed(link);
    await link.stop();
    link = null;
    // Anything the link still had in flight has reached the broker by now.
    await new Promise((r) => setTimeout(r, 300));
    expect(await retainedState(broker.url)).toMatchObject({ state: 'offline', reason: 'shutdown', birth: 1 });
    expect(made.logs.raw.filter((l) => l.includes('announcing again'))).toEqual([]);
  });
});
