import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import type { StateMessage } from '../../../src/sync/wire/up-messages.js';
import { mosquittoAvailable, MOSQUITTO_BIN, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { enqueueAlarms, openTempStore, type TempStore } from '../../unit/sync/support/lane-store.js';
import { centralKeys, LANE, makeLink, RecordingHandler, SITE, startValidatingCentral } from '../../unit/sync/support/link-rig.js';

const keys = centralKeys();
let broker: Mosquitto | null = null;
let temp: TempStore | null = null;
let central: CentralSim | null = null;
let invalid: string[] = [];
let link: MqttLink | null = null;

afterEach(async () => {
  await link?.stop();
  await central?.stop();
  await temp?.close();
  await broker?.close();
  link = null;
  central = null;
  temp = null;
  broker = null;
  expect(invalid).toEqual([]);
});

async function retainedState(url: string): Promise<StateMessage> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  try {
    const got = new Promise<StateMessage>((resolve) => client.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as StateMessage)));
    await client.subscribeAsync(`bg/v1/${SITE}/${LANE}/state`, { qos: 1 });
    return await got;
  } finally {
    await client.endAsync(true);
  }
}

describe.skipIf(!mosquittoAvailable())(`MqttLink against Mosquitto (MQTT 5, ${MOSQUITTO_BIN})`, () => {
  it('broker restart mid-drain: every outbox row arrives, de-duplicated by id exactly the expected set', async () => {
    broker = await startMosquitto({ persistence: true });
    temp = await openTempStore();
    const expected = enqueueAlarms(temp.store, 1200, 'outage');
    ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey, undefined, { protocolVersion: 5, persistentSession: true }));
    const c = central;
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, protocolVersion: 5, tuning: { drainRatePerSecond: 400, drainBurst: 20 } }).link;
    await link.start();
    await c.waitFor(() => c.ledger.report(LANE).unique >= 300, 10_000, '300 events before the restart');
    // Mid-drain: publishes in flight are lost with the connection.
    await broker.stop();
    expect(c.ledger.report(LANE).unique).toBeLessThan(1200);
    await new Promise((r) => setTimeout(r, 300));
    await broker.start();
    await c.waitFor(() => c.ledger.report(LANE).unique === 1200, 30_000, 'all 1200 events');
    await c.waitFor(() => temp!.store.outbox.stats().backlog === 0, 10_000, 'backlog empty');
    const report = c.ledger.report(LANE);
    expect(c.ledger.ids(LANE)).toEqual(new Set(expected));
    expect(report).toMatchObject({ missing: [], seqConflicts: 0, lowestSeq: 1, highestSeq: 1200 });
    // Duplicates are what QoS 1 allows after a lost connection, no more than one window's worth.
    expect(report.duplicates).toBeLessThanOrEqual(64);
    expect(link.health().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('broker killed and restarted empty: subscriptions and retained state are restored, commands work again', async () => {
    broker = await startMosquitto({ persistence: false });
    temp = await openTempStore();
    ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey, undefined, { protocolVersion: 5 }));
    const c = central;
    const handler = new RecordingHandler();
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, protocolVersion: 5, handler }).link;
    await link.start();
    await c.waitFor(() => c.states.get(LANE)?.state === 'online', 5_000, 'online');
    const firstBirth = link.status().birth;
    await broker.kill();
    await broker.start();
    const state = await c.waitFor(async () => {
      const s = await retainedState(broker!.url).catch(() => undefined);
      return s?.state === 'online' && s.birth > firstBirth ? s : undefined;
    }, 15_000, 'retained online state after the restart');
    expect(state).toMatchObject({ site: SITE, lane: LANE, software: { version: '0.1.0-test' } });
    // The central-sim (clean session) has subscribed again once it sees that retained state too.
    await c.waitFor(() => (c.states.get(LANE)?.birth ?? 0) > firstBirth || undefined, 10_000, 'central-sim back');
    const result = await c.command(LANE, 'hold-open', { seconds: 10 }, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'accepted', outcome: { result: 'done' } });
    expect(handler.executed.map((x) => x.name)).toEqual(['hold-open']);
    await c.publishDelta({ list: 'vehicles', fromVersion: 0, toVersion: 1, upserts: [{ vehicleId: 'v-1', plate: '29A12345', plateCountry: 'VN', vehicleClass: 'car' }], deletes: [] });
    await c.waitFor(() => temp!.store.lists.versions().find((v) => v.list === 'vehicles')?.version === 1, 5_000, 'delta after restart');
  });
});
