import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import type { TelemetryMessage } from '../../../src/sync/wire/up-messages.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { passage } from '../store/store-fixtures.js';
import { expectWireValid } from './support/json-schema-check.js';
import { enqueueAlarms, openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, LANE, makeLink, SITE, startValidatingCentral } from './support/link-rig.js';

const keys = centralKeys();
const BASE = `bg/v1/${SITE}/${LANE}`;

let broker: AedesBroker;
let temp: TempStore;
let central: CentralSim;
let invalid: string[];
let link: MqttLink | null = null;
let watcher: MqttClient | null = null;

beforeEach(async () => {
  broker = await startAedes();
  temp = await openTempStore();
  ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey));
});

afterEach(async () => {
  await link?.stop();
  link = null;
  await watcher?.endAsync(true);
  watcher = null;
  await central.stop();
  await temp.close();
  await broker.close();
  expect(invalid, 'every upward message matches its JSON Schema').toEqual([]);
});

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every message below the lane, in arrival order, with the QoS it was delivered at. */
async function watch(): Promise<{ topic: string; qos: number; json: Record<string, unknown> }[]> {
  const seen: { topic: string; qos: number; json: Record<string, unknown> }[] = [];
  watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  watcher.on('message', (topic, payload, packet) => seen.push({ topic, qos: packet.qos, json: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await watcher.subscribeAsync(`${BASE}/#`, { qos: 1 });
  return seen;
}

const JPEG = (n: number): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(n, 7), Buffer.from([0xff, 0xd9])]);

describe('telemetry', () => {
  it('publishes health, counters, outbox watermark, process figures and list ages at QoS 0, outside the outbox', async () => {
    const seen = await watch();
    enqueueAlarms(temp.store, 5);
    ({ link } = makeLink({
      url: broker.url,
      temp,
      publicKeyBase64: keys.publicKeyBase64,
      telemetrySeconds: 1,
      laneState: () => ({ mode: 'normal', summary: 'degraded', devices: { 'device:face-camera': 'degraded' } }),
    }));
    await link.start();
    await waitFor('the 5 alarms', () => seen.filter((m) => m.topic.endsWith('/event/alarm')).length === 5);
    const rowsBefore = Number(temp.store.database.prepare('SELECT count(*) FROM outbox').pluck().get());
    await waitFor('two telemetry messages', () => seen.filter((m) => m.topic === `${BASE}/telemetry`).length >= 2);
    const telemetry = seen.filter((m) => m.topic === `${BASE}/telemetry`);
    for (const t of telemetry) {
      expectWireValid('telemetry', t.json);
      expect(t.qos).toBe(0);
    }
    // Wait for a message sent after the drain's marks are committed.
    await waitFor('telemetry after the drain', () =>
      seen.some((m) => m.topic === `${BASE}/telemetry` && (m.json as unknown as TelemetryMessage).outbox.deliveredThrough === 5),
    );
    const last = seen.filter((m) => m.topic === `${BASE}/telemetry`).at(-1)!.json as unknown as TelemetryMessage;
    expect(last).toMatchObject({ site: SITE, lane: LANE, intervalSeconds: 1, mode: 'normal', health: { summary: 'degraded' } });
    expect(last.outbox).toMatchObject({ pending: 0, deliveredThrough: 5 });
    expect(last.counters.delivered).toBe(5);
    expect(last.process.rssBytes).toBeGreaterThan(0);
    expect(last.lists.subjects).toEqual({ version: 0, rows: 0, ageSeconds: null });
    // Telemetry is a reading, not a record: nothing was added to the outbox for it.
    expect(Number(temp.store.database.prepare('SELECT count(*) FROM outbox').pluck().get())).toBe(rowsBefore);
    expect(rowsBefore).toBe(5);
  });

  it('is off with telemetrySeconds 0', async () => {
    const seen = await watch();
    ({ link } = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, telemetrySeconds: 0 }));
    await link.start();
    await waitFor('online state', () => seen.some((m) => m.topic === `${BASE}/state`));
    expect(link.telemetryNow()).toBeNull();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(seen.filter((m) => m.topic === `${BASE}/telemetry`)).toEqual([]);
  });
});

describe('evidence by policy', () => {
  it('on-refer: sends a referred passage’s images after its event, reports a too-large one, and skips granted passages', async () => {
    const seen = await watch();
    const ev = temp.store.evidence;
    const small = await ev.save({ kind: 'face-crop', data: JPEG(1000), ext: 'jpg' });
    const big = await ev.save({ kind: 'frame', data: JPEG(6000), ext: 'jpg' });
    const granted = await ev.save({ kind: 'face-crop', data: JPEG(500), ext: 'jpg' });
    const denied = await ev.save({ kind: 'face-crop', data: JPEG(500), ext: 'jpg' });
    const g = temp.store.journal.append(passage({ outcome: 'grant', evidenceFiles: [granted.ref] }));
    const d = temp.store.journal.append(passage({ outcome: 'deny', reasons: ['CREDENTIAL_EXPIRED'], evidenceFiles: [denied.ref] }));
    const r = temp.store.journal.append(passage({ outcome: 'refer', reasons: ['FACE_MISMATCH'], evidenceFiles: [small.ref, big.ref] }));
    ({ link } = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, evidence: 'on-refer', tuning: { maxEvidenceBytes: 4096 } }));
    await link.start();
    await waitFor('the too-large report', () => seen.some((m) => m.topic === `${BASE}/event/alarm`));
    await waitFor('the small image', () => seen.some((m) => m.topic.startsWith(`${BASE}/evidence/`)));
    await link.stop();

    const passageIndex = seen.findIndex((m) => m.topic === `${BASE}/event/passage` && (m.json.body as { id: string }).id === r.record.id);
    const evidence = seen.filter((m) => m.topic.startsWith(`${BASE}/evidence/`));
    expect(evidence.map((m) => m.json.ref)).toEqual([small.ref]);
    expect(seen.indexOf(evidence[0]!)).toBeGreaterThan(passageIndex);
    expect(passageIndex).toBeGreaterThanOrEqual(0);
    const report = seen.find((m) => m.topic === `${BASE}/event/alarm`)!.json.body as Record<string, unknown>;
    expect(report).toMatchObject({ code: 'evidence-too-large', passageId: r.record.id, ref: big.ref });
    expect(link.evidenceStatus()).toMatchObject({ evidenceQueued: 2, evidenceSent: 1, evidenceTooLarge: 1, evidenceFailed: 0, waiting: 0 });
    expect(ev.status([small.ref])[0]!.sentAt).not.toBeNull();
    expect(ev.status([granted.ref, denied.ref, big.ref]).map((s) => s.sentAt)).toEqual([null, null, null]);
    void g;
    void d;
  });

  it('on-deny-or-refer sends denied passages’ images too; none sends nothing', async () => {
    const seen = await watch();
    const ev = temp.store.evidence;
    const granted = await ev.save({ kind: 'face-crop', data: JPEG(500), ext: 'jpg' });
    const denied = await ev.save({ kind: 'face-crop', data: JPEG(500), ext: 'jpg' });
    temp.store.journal.append(passage({ outcome: 'grant', evidenceFiles: [granted.ref] }));
    temp.store.journal.append(passage({ outcome: 'deny', reasons: ['CREDENTIAL_EXPIRED'], evidenceFiles: [denied.ref] }));
    ({ link } = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, evidence: 'on-deny-or-refer' }));
    await link.start();
    await waitFor('the denied passage’s image', () => seen.some((m) => m.topic.startsWith(`${BASE}/evidence/`)));
    expect(seen.filter((m) => m.topic.startsWith(`${BASE}/evidence/`)).map((m) => m.json.ref)).toEqual([denied.ref]);
    await link.stop();

    // The same passages drained again under "none" (a fresh database would be the same): no image.
    temp.store.database.prepare('UPDATE outbox SET delivered_at = NULL').run();
    temp.store.database.prepare('DELETE FROM outbox_watermark').run();
    seen.length = 0;
    ({ link } = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, evidence: 'none' }));
    await link.start();
    await waitFor('both passages again', () => seen.filter((m) => m.topic === `${BASE}/event/passage`).length === 2);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.filter((m) => m.topic.startsWith(`${BASE}/evidence/`))).toEqual([]);
  });
});
