import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import { ListSigner } from '../../../src/sync/central-sim/list-signer.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import type { StateOnline } from '../../../src/sync/wire/up-messages.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, LANE, makeLink, SITE, startValidatingCentral } from './support/link-rig.js';

const keys = centralKeys();
const SNAPSHOT_ROWS = [
  { subjectId: 's-1', category: 'resident' },
  { subjectId: 's-2', category: 'resident' },
  { subjectId: 's-3', category: 'worker', nationality: 'VNM' },
];

let broker: AedesBroker;
let temp: TempStore;
let central: CentralSim;
let invalid: string[];
let sentInvalid: string[];
let link: MqttLink;

function version(list: string): { version: number; rowCount: number } {
  const v = temp.store.lists.versions().find((x) => x.list === list)!;
  return { version: v.version, rowCount: v.rowCount };
}

function announcedVersion(list: string): number | undefined {
  const s = central.states.get(LANE);
  return s?.state === 'online' ? (s as StateOnline).lists[list] : undefined;
}

beforeEach(async () => {
  broker = await startAedes();
  temp = await openTempStore();
  ({ central, invalid, sentInvalid } = await startValidatingCentral(broker.url, keys.privateKey, { subjects: { version: 9, rows: SNAPSHOT_ROWS } }));
  link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, tuning: { maxListMessageBytes: 4096 } }).link;
  await link.start();
  await central.waitFor(() => central.states.get(LANE)?.state === 'online', 5_000, 'online');
});

afterEach(async () => {
  await link.stop();
  await central.stop();
  await temp.close();
  await broker.close();
  expect(invalid).toEqual([]);
});

describe('list sync over MQTT', () => {
  it('applies a delta, ignores its replay, detects a gap, resyncs from a chunked snapshot and reports versions', async () => {
    await central.publishDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 's-9', category: 'visitor' }], deletes: [] });
    await central.waitFor(() => version('subjects').version === 1, 5_000, 'delta applied');
    await central.waitFor(() => announcedVersion('subjects') === 1, 5_000, 'state shows version 1');

    await central.publishDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 's-9', category: 'visitor' }], deletes: [] });
    await central.waitFor(() => link.status().lists.deltasReplayed === 1, 5_000, 'replay seen');
    expect(central.resyncRequests).toEqual([]);

    await central.publishDelta({ list: 'subjects', fromVersion: 3, toVersion: 4, upserts: [], deletes: ['s-9'] });
    const request = await central.waitFor(() => central.resyncRequests[0], 5_000, 'resync request');
    expect(request).toMatchObject({ list: 'subjects', haveVersion: 1, reason: 'gap', site: SITE, lane: LANE });
    // The central-sim answers with its snapshot (version 9, 3 rows in 2 chunks).
    await central.waitFor(() => version('subjects').version === 9, 5_000, 'snapshot swapped');
    expect(version('subjects')).toEqual({ version: 9, rowCount: 3 });
    await central.waitFor(() => announcedVersion('subjects') === 9, 5_000, 'state shows version 9');
    expect(link.status().lists).toMatchObject({ gaps: 1, snapshotsSwapped: 1, awaitingSnapshot: [] });
    expect(sentInvalid).toEqual([]);
  });

  it('refuses list messages that are unsigned, wrongly signed, malformed or oversized, without a resync', async () => {
    const stranger = new ListSigner(generateKeyPairSync('ed25519').privateKey, SITE);
    const topic = `bg/v1/${SITE}/lists/subjects`;
    const body = { list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'evil', category: 'vip' }], deletes: [] };
    await central.publish(topic, JSON.stringify(stranger.delta(body)));
    await central.publish(topic, JSON.stringify(body));
    await central.publish(topic, '{"list": "subjects", ');
    await central.publish(topic, JSON.stringify({ ...body, upserts: [{ subjectId: 'x'.repeat(5000), category: 'c' }] }));
    const otherSite = new ListSigner(keys.privateKey, 'dongxing');
    await central.publish(topic, JSON.stringify(otherSite.delta(body)));
    await central.waitFor(() => link.status().lists.rejected === 5, 5_000, 'five refusals');
    expect(version('subjects')).toEqual({ version: 0, rowCount: 0 });
    expect(central.resyncRequests).toEqual([]);
    expect(link.health().state).toBe('ok');
  });

  it('asks for a snapshot when a signed delta has an invalid row, and applies nothing of it', async () => {
    await central.publishDelta({ list: 'subjects', fromVersion: 0, toVersion: 1, upserts: [{ subjectId: 'ok-1', category: 'c' }, { subjectId: 'bad-row' }], deletes: [] });
    const request = await central.waitFor(() => central.resyncRequests[0], 5_000, 'resync request');
    expect(request).toMatchObject({ reason: 'invalid-delta', haveVersion: 0 });
    expect(request.detail).toMatch(/upserts\[1\]\.category/);
    await central.waitFor(() => version('subjects').version === 9, 5_000, 'snapshot swapped');
    const count = (id: string) => temp.store.database.prepare('SELECT count(*) FROM subjects WHERE subject_id = ?').pluck().get(id);
    expect(count('ok-1')).toBe(0);
    expect(count('s-3')).toBe(1);
  });
});
