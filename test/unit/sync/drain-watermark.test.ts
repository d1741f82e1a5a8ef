import type { MqttClient } from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { drainRowOf, EventEnvelope } from '../../../src/sync/outbox/event-envelope.js';
import { OutboxDrainer } from '../../../src/sync/outbox/outbox-drainer.js';
import { OutboxReader } from '../../../src/sync/outbox/outbox-reader.js';
import { resolveTuning } from '../../../src/sync/sync-tuning.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { expectWireValid } from './support/json-schema-check.js';
import { enqueueAlarms, openTempStore, type TempStore } from './support/lane-store.js';

let temp: TempStore | null = null;
afterEach(async () => {
  await temp?.close();
  temp = null;
});

/** A client whose PUBACKs the test gives, in any order: seq -> the publish callback. */
class FakeClient {
  readonly pending = new Map<number, (err?: Error) => void>();
  published: number[] = [];
  publish(_topic: string, text: string, _opts: unknown, cb: (err?: Error) => void): void {
    const seq = (JSON.parse(text) as { seq: number }).seq;
    this.published.push(seq);
    this.pending.set(seq, cb);
  }
  ack(...seqs: number[]): void {
    for (const s of seqs) {
      const cb = this.pending.get(s);
      if (cb === undefined) throw new Error(`seq ${s} is not in flight`);
      this.pending.delete(s);
      cb();
    }
  }
  refuse(seq: number): void {
    const cb = this.pending.get(seq)!;
    this.pending.delete(seq);
    cb(new Error('PUBACK reason 0x97 quota exceeded'));
  }
}

async function rig(rows: number) {
  const clock = new FakeClock();
  temp = await openTempStore({ lane: 'l1', clock });
  enqueueAlarms(temp.store, rows);
  const drainer = new OutboxDrainer({
    id: { prefix: 'bg/v1', site: 's1', lane: 'l1' },
    store: temp.store,
    clock,
    tuning: resolveTuning({ drainRatePerSecond: 1e9, drainBurst: 1e9 }),
    log: pino({ level: 'silent' }),
  });
  const client = new FakeClient();
  drainer.attach(client as unknown as MqttClient, 100);
  const outbox = temp.store.outbox;
  const pendingSeqs = (): number[] => outbox.pending(100, 0).map((r) => r.seq);
  return { clock, drainer, client, outbox, pendingSeqs, store: temp.store };
}

describe('delivered watermark in the drain', () => {
  it('holds out-of-order PUBACKs until the gap below them is acknowledged, never passes an unacknowledged row', async () => {
    const { drainer, client, outbox, pendingSeqs } = await rig(10);
    expect(client.published).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    client.ack(2, 3, 5);
    drainer.flush();
    expect(outbox.watermark()).toBe(0); // 1 is still in flight
    expect(drainer.counters.delivered).toBe(0);
    client.ack(1);
    drainer.flush();
    expect(outbox.watermark()).toBe(3); // 4 still in flight; 5 held in memory
    expect(drainer.counters.delivered).toBe(3);
    expect(pendingSeqs()).toEqual([4, 5, 6, 7, 8, 9, 10]);
    client.ack(4, 6, 7, 8, 9, 10);
    drainer.flush();
    expect(outbox.watermark()).toBe(10);
    expect(drainer.counters.delivered).toBe(10);
    expect(pendingSeqs()).toEqual([]);
    drainer.stop();
  });

  it('a refused row keeps the watermark below it; the rewind sends only that row again', async () => {
    const { clock, drainer, client, outbox } = await rig(10);
    client.refuse(4);
    client.ack(1, 2, 3, 5, 6, 7, 8, 9, 10);
    drainer.flush();
    expect(outbox.watermark()).toBe(3);
    clock.advance(5_000); // the rewind pause
    expect(client.published.slice(10)).toEqual([4]); // 5..10 are known acknowledged: not sent again
    client.ack(4);
    drainer.flush();
    expect(outbox.watermark()).toBe(10);
    expect(drainer.counters).toMatchObject({ delivered: 10, failed: 1 });
    drainer.stop();
  });

  it('on disconnect, acknowledged rows above the watermark are marked one by one; the unacknowledged one stays pending', async () => {
    const { drainer, client, outbox, pendingSeqs, store } = await rig(3);
    client.ack(1, 2, 3);
    drainer.flush();
    expect(outbox.watermark()).toBe(3);
    enqueueAlarms(store, 3); // live rows 4..6
    drainer.kick();
    expect(client.published).toEqual([1, 2, 3, 4, 5, 6]);
    client.ack(6, 5);
    drainer.detach();
    expect(outbox.watermark()).toBe(3);
    expect(pendingSeqs()).toEqual([4]);
    expect(store.database.prepare('SELECT seq FROM outbox WHERE delivered_at IS NOT NULL ORDER BY seq').pluck().all()).toEqual([5, 6]);
    expect(drainer.counters.delivered).toBe(5);
    // The next connection starts from the watermark and sends only row 4.
    const next = new FakeClient();
    drainer.attach(next as unknown as MqttClient, 100);
    expect(next.published).toEqual([4]);
    next.ack(4);
    drainer.flush();
    expect(outbox.watermark()).toBe(6);
    expect(outbox.stats()).toMatchObject({ backlog: 0, delivered: 6 });
    drainer.stop();
  });
});

describe('OutboxReader', () => {
  it('builds in SQLite exactly the event text EventEnvelope builds in JS, and the payload size in bytes', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 8, 1, 12, 5));
    temp = await openTempStore({ lane: 'p-entry-03', clock });
    const { store } = temp;
    store.outbox.enqueue('event/alarm', { code: 'x', text: 'Cửa khẩu Móng Cái — 东兴 "quoted" \\ back\nline' });
    clock.advance(994); // .999 ms
    store.outbox.enqueue('event/device-health', { device: 'device:face-camera', state: 'ok' });
    clock.advance(1); // a whole second: .000
    store.outbox.enqueue('event/alarm', { n: 1 });
    const envelope = new EventEnvelope({ prefix: 'bg/v1', site: 'mongcai', lane: 'p-entry-03' });
    const sent = new OutboxReader(store.database, 'p-entry-03', envelope.head).pending(0, 10);
    const expected = store.outbox.pending(10, 0).map(drainRowOf);
    expect(sent.map((r) => r[2])).toEqual(expected.map((r) => envelope.text(r)));
    expect(sent.map((r) => r[3])).toEqual(expected.map((r) => Buffer.byteLength(r[3])));
    expect(sent.map((r) => envelope.topicOf(r[1]))).toEqual(expected.map((r) => envelope.topic(r)));
    for (const r of sent) expectWireValid('event', JSON.parse(r[2]));
    expect(JSON.parse(sent[1]![2]).at).toBe('2026-03-01T08:01:12.999Z');
    expect(JSON.parse(sent[2]![2]).at).toBe('2026-03-01T08:01:13.000Z');
  });
});
