import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CentralSim } from '../../../src/sync/central-sim/central-sim.js';
import { CommandSigner } from '../../../src/sync/central-sim/command-signer.js';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
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
let afterEachLogs: { raw: string[] } | null = null;

beforeEach(async () => {
  broker = await startAedes();
  temp = await openTempStore();
  ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey, {
    subjects: { version: 9, rows: [{ subjectId: 's-1', category: 'resident' }, { subjectId: 's-2', category: 'resident' }, { subjectId: 's-3', category: 'worker' }] },
  }));
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && afterEachLogs) console.log(afterEachLogs.raw.join('\n'));
  afterEachLogs = null;
  await link?.stop();
  link = null;
  await central.stop();
  await temp.close();
  await broker.close();
  expect(invalid, 'every upward message matches its JSON Schema').toEqual([]);
});

describe('MqttLink against an in-process broker (MQTT 3.1.1)', () => {
  it('announces a retained online state, says offline on stop, and leaves nothing running', async () => {
    const leaks = trackHandles();
    const made = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 });
    link = made.link;
    await link.start();
    const online = await central.waitFor(() => central.states.get(LANE), 5_000, 'online state');
    expect(online).toMatchObject({ state: 'online', birth: 1, software: { version: '0.1.0-test' }, mode: 'normal' });
    expect(Object.keys((online as { lists: object }).lists)).toContain('credentials');
    expect(await retainedState(broker.url)).toMatchObject({ state: 'online', birth: 1 });
    await central.waitFor(() => link!.health().state === 'ok', 5_000, 'health ok');
    await link.stop();
    link = null;
    const offline = await retainedState(broker.url);
    expect(offline).toMatchObject({ state: 'offline', birth: 1, reason: 'shutdown' });
    await central.stop();
    await leaks.assertNoneLeft({ settleMs: 3_000 });
    ({ central, invalid } = await startValidatingCentral(broker.url, keys.privateKey));
  });

  it('drains a backlog in order and marks rows delivered only after PUBACK', async () => {
    const ids = enqueueAlarms(temp.store, 40);
    expect(temp.store.outbox.stats().backlog).toBe(40);
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64 }).link;
    await link.start();
    await central.waitFor(() => central.ledger.report(LANE).unique === 40, 10_000, '40 events');
    const report = central.ledger.report(LANE);
    expect(report).toMatchObject({ missing: [], seqConflicts: 0, outOfOrder: 0, lowestSeq: 1, highestSeq: 40 });
    expect(central.ledger.ids(LANE)).toEqual(new Set(ids));
    await central.waitFor(() => temp.store.outbox.stats().backlog === 0, 5_000, 'backlog marked delivered');
  });

  it('keeps live events flowing while a long backlog drains at its limited rate', async () => {
    enqueueAlarms(temp.store, 150, 'backlog');
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, tuning: { drainRatePerSecond: 100, drainBurst: 10 } }).link;
    const arrivals: number[] = [];
    central.on('event', (e) => arrivals.push(e.seq));
    await link.start();
    await central.waitFor(() => arrivals.length >= 20, 5_000, 'backlog started');
    const [live] = enqueueAlarms(temp.store, 1, 'live');
    link.kick();
    const liveSeq = 151;
    await central.waitFor(() => central.ledger.report(LANE).unique === 151, 15_000, 'all events');
    expect(central.ledger.ids(LANE).has(live!)).toBe(true);
    // The live event overtook most of the backlog (documented: central orders by seq).
    expect(arrivals.indexOf(liveSeq)).toBeLessThan(arrivals.indexOf(150));
    expect(central.ledger.report(LANE)).toMatchObject({ missing: [], seqConflicts: 0 });
  });

  it('executes signed commands and rejects bad ones with a reason, executing nothing', async () => {
    const handler = new RecordingHandler();
    const made = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, handler });
    link = made.link;
    afterEachLogs = made.logs;
    await link.start();
    await central.waitFor(() => central.states.get(LANE)?.state === 'online', 5_000, 'online');
    const ok = await central.command(LANE, 'set-mode', { mode: 'locked' });
    expect(ok).toMatchObject({ status: 'accepted', outcome: { result: 'done' } });
    await central.publish(`bg/v1/${SITE}/${LANE}/cmd/set-mode`, '{"id": "x"'); // malformed: no readable id
    const invalidResult = await central.waitFor(() => central.unattributedResults[0], 3_000, 'invalid result');
    expect(invalidResult).toMatchObject({ status: 'rejected', reason: 'malformed-json' });
    const schema = await central.publishCommandPayload(LANE, 'open', JSON.stringify({ id: 'cmd-x1', issuedAt: 'yesterday', args: {} }), 'cmd-x1');
    expect(schema).toMatchObject({ status: 'rejected', reason: 'schema-violation', id: 'cmd-x1' });
    const expired = await central.command(LANE, 'open', {}, { issuedAt: Date.now() - 3_600_000 });
    expect(expired).toMatchObject({ status: 'rejected', reason: 'expired' });
    const unknown = await central.command(LANE, 'self-destruct', {});
    expect(unknown).toMatchObject({ status: 'rejected', reason: 'unknown-command' });
    const wrongLane = await central.command(LANE, 'open', {}, { signedLane: 'p-entry-04' });
    expect(wrongLane).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
    // Oversized: not parsed at all, so answered without an id.
    await central.command(LANE, 'open', { reason: 'x'.repeat(70_000) }, { timeoutMs: 300 }).catch(() => null);
    const oversized = await central.waitFor(() => central.unattributedResults.find((r) => r.reason === 'oversized'), 3_000, 'oversized result');
    expect(oversized).toMatchObject({ status: 'rejected', name: 'open' });
    const badArgs = await central.command(LANE, 'hold-open', { seconds: 'forever' });
    expect(badArgs).toMatchObject({ status: 'rejected', reason: 'bad-args' });
    // The same signed command delivered again (a QoS 1 redelivery or an attacker): not executed again.
    const signer = new CommandSigner(keys.privateKey, SITE);
    const cmd = signer.sign(LANE, 'open', { reason: 'manual check done' });
    const first = await central.publishCommandPayload(LANE, 'open', JSON.stringify(cmd.payload), cmd.payload.id);
    expect(first).toMatchObject({ status: 'accepted' });
    central.results.delete(cmd.payload.id);
    const second = await central.publishCommandPayload(LANE, 'open', JSON.stringify(cmd.payload), cmd.payload.id);
    expect(second).toMatchObject({ status: 'rejected', reason: 'replayed', firstResult: { status: 'accepted' } });
    expect(handler.executed.map((c) => c.name)).toEqual(['set-mode', 'open']);
  });
});
