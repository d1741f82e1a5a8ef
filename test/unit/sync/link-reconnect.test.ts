import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import type { StateMessage } from '../../../src/sync/wire/up-messages.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { trackHandles } from '../../helpers/leaks.js';
import { enqueueAlarms, openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, LANE, makeLink, RecordingHandler, retainedState, SITE, STATE_TOPIC, startValidatingCentral } from './support/link-rig.js';

const keys = centralKeys();

let broker: AedesBroker;
let temp: TempStore;
let central: CentralSim;
let invalid: string[];
let link: MqttLink | null = null;

beforeEach(async () => {
  broker = await startAedes();
  temp = await openTempStore();
  ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey));
});

afterEach(async () => {
  await link?.stop();
  link = null;
  await central.stop();
  await temp.close();
  await broker.close();
  expect(invalid).toEqual([]);
});

describe('MqttLink across broker restarts and outages', () => {
  it('re-subscribes and re-announces after the broker restarts empty', async () => {
    const handler = new RecordingHandler();
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, handler }).link;
    await link.start();
    await central.waitFor(() => central.states.get(LANE)?.birth === 1, 5_000, 'birth 1');
    await broker.restart({ downMs: 300 });
    // The restarted broker knows no subscription and no retained message: the link restores both.
    // Every connection attempt takes a new birth number, the failed ones during the outage too.
    const again = await central.waitFor(() => {
      const s = central.states.get(LANE);
      return s?.state === 'online' && s.birth > 1 ? s : undefined;
    }, 10_000, 'online with a new birth');
    expect(await retainedState(broker.url)).toMatchObject({ state: 'online', birth: again.birth });
    await central.waitFor(() => link!.health().state === 'ok', 5_000, 'ok again');
    const result = await central.command(LANE, 'close', {});
    expect(result).toMatchObject({ status: 'accepted' });
    expect(link.health().reconnects).toBe(1);
  });

  it('the broker publishes the will with the birth of the lost connection, then the lane comes back with the next', async () => {
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 }).link;
    await link.start();
    const seen: StateMessage[] = [];
    central.on('state', (_lane, s) => seen.push(s));
    await central.waitFor(() => central.states.get(LANE)?.state === 'online', 5_000, 'online');
    const birth = link.status().birth;
    // Drop the lane's connection on the broker side, as a network failure would (no DISCONNECT).
    const clients = (broker.broker as unknown as { clients: Record<string, { close(): void }> }).clients;
    clients[`lane-${SITE}-${LANE}`]!.close();
    await central.waitFor(() => seen.find((s) => s.state === 'offline'), 5_000, 'will');
    expect(seen.find((s) => s.state === 'offline')).toMatchObject({ state: 'offline', birth, reason: 'connection-lost' });
    await central.waitFor(() => central.states.get(LANE)?.state === 'online' && central.states.get(LANE)!.birth > birth, 5_000, 'back online');
  });

  it('answers a stale offline state (a late will of an old connection) with a fresh online', async () => {
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 }).link;
    await link.start();
    await central.waitFor(() => central.states.get(LANE)?.state === 'online', 5_000, 'online');
    await new Promise((r) => setTimeout(r, 2_100)); // re-announces are paced (2 s)
    const late = { v: 1, site: SITE, lane: LANE, state: 'offline', birth: 1, at: new Date().toISOString(), reason: 'connection-lost' };
    await central.publish(STATE_TOPIC, JSON.stringify(late), true);
    await central.waitFor(async () => (await retainedState(broker.url)).state === 'online' || undefined, 5_000, 'online again');
    const s = await retainedState(broker.url);
    expect(s).toMatchObject({ state: 'online', birth: 1 });
  });

  it('keeps the outbox while the broker is unreachable and drains it when it is back; birth survives restarts of the link', async () => {
    broker.refuseConnections = true;
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 }).link;
    await link.start();
    const ids = enqueueAlarms(temp.store, 25);
    await new Promise((r) => setTimeout(r, 600));
    expect(link.health().state).toBe('starting');
    expect(temp.store.outbox.stats().backlog).toBe(25);
    broker.refuseConnections = false;
    await central.waitFor(() => central.ledger.report(LANE).unique === 25, 10_000, 'drained after outage');
    expect(central.ledger.ids(LANE)).toEqual(new Set(ids));
    const birth = link.status().birth;
    expect(birth).toBeGreaterThan(1); // one birth per attempt, the refused ones included
    await link.stop();
    const leaks = trackHandles();
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 }).link;
    await link.start();
    await central.waitFor(() => link!.status().announced || undefined, 5_000, 'announced');
    expect(link.status().birth).toBe(birth + 1);
    await link.stop();
    link = null;
    await leaks.assertNoneLeft({ settleMs: 3_000 });
  });

  it('raises the outbox quota alarm while offline (health degraded) and clears it once drained; nothing is dropped', async () => {
    broker.refuseConnections = true;
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, tuning: { outboxQuotaBytes: 3_000, backlogCheckMs: 50 } }).link;
    await link.start();
    const ids = enqueueAlarms(temp.store, 60); // about 2.7 kB of payload: over 80 % of 3 kB
    await central.waitFor(() => link!.status().outbox.quotaLevel !== 'ok' || undefined, 5_000, 'quota alarm');
    expect(link.health()).toMatchObject({ state: 'degraded' });
    expect(link.health().lastError).toMatch(/quota/);
    broker.refuseConnections = false;
    await central.waitFor(() => (link!.status().outbox.quotaLevel === 'ok' && temp.store.outbox.stats().backlog === 0) || undefined, 10_000, 'drained, alarm cleared');
    const alarmRows = temp.store.database
      .prepare("SELECT message_id, payload FROM outbox WHERE payload LIKE '%outbox-quota%' ORDER BY seq")
      .all() as { message_id: string; payload: string }[];
    expect(alarmRows.map((r) => (JSON.parse(r.payload) as { code: string }).code)).toEqual(['outbox-quota-warning', 'outbox-quota-cleared']);
    await central.waitFor(() => central.ledger.report(LANE).unique === 62, 5_000, 'all events including both alarms');
    for (const id of [...ids, ...alarmRows.map((r) => r.message_id)]) expect(central.ledger.ids(LANE).has(id)).toBe(true);
    await central.waitFor(() => link!.health().state === 'ok' || undefined, 5_000, 'ok again');
  });
});
