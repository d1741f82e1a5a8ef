import pino from 'pino';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { afterEach, describe, expect, it } from 'vitest';
import { BacklogMeter } from '../../../src/sync/outbox/backlog-meter.js';
import { DeliveredMarks } from '../../../src/sync/outbox/delivered-marks.js';
import { QuotaWatch } from '../../../src/sync/outbox/quota-watch.js';
import { DeviceHealthWatch } from '../../../src/sync/device-health-watch.js';
import { enqueueAlarms, openTempStore, type TempStore } from './support/lane-store.js';

let temp: TempStore | null = null;
afterEach(async () => {
  await temp?.close();
  temp = null;
});

function deliveredSeqs(t: TempStore): number[] {
  return t.store.database.prepare('SELECT seq FROM outbox WHERE delivered_at IS NOT NULL ORDER BY seq').pluck().all() as number[];
}

describe('DeliveredMarks', () => {
  it('marks exactly the acknowledged seqs, in runs, and never a row twice', async () => {
    temp = await openTempStore({ lane: 'l1' });
    enqueueAlarms(temp.store, 20);
    const marks = new DeliveredMarks(temp.store.database, temp.store.outbox);
    expect(marks.mark([3, 1, 2, 2, 7, 9, 10, 11, 20], 1000)).toBe(8);
    expect(deliveredSeqs(temp)).toEqual([1, 2, 3, 7, 9, 10, 11, 20]);
    expect(marks.mark([1, 2, 4], 2000)).toBe(1);
    expect(temp.store.outbox.stats().backlog).toBe(11);
    expect(marks.mark([], 3000)).toBe(0);
  });

  it('leaves the store durability setting as it found it', async () => {
    temp = await openTempStore({ lane: 'l1' });
    enqueueAlarms(temp.store, 3);
    const before = temp.store.database.pragma('synchronous', { simple: true });
    new DeliveredMarks(temp.store.database, temp.store.outbox).mark([1, 2], 1);
    expect(temp.store.database.pragma('synchronous', { simple: true })).toBe(before);
    expect(before).toBe(2); // FULL
  });

  it('does not touch another lane’s rows', async () => {
    temp = await openTempStore({ lane: 'l1' });
    enqueueAlarms(temp.store, 3);
    expect(new DeliveredMarks(temp.store.database, { lane: 'l2', markDeliveredThrough: () => false }).mark([1, 2, 3], 1)).toBe(0);
  });
});

describe('delivered watermark', () => {
  it('covers every row up to it in one statement, never moves back, and the store applies it everywhere', async () => {
    temp = await openTempStore({ lane: 'l1' });
    enqueueAlarms(temp.store, 10);
    const marks = new DeliveredMarks(temp.store.database, temp.store.outbox);
    const changesBefore = Number(temp.store.database.prepare('SELECT total_changes()').pluck().get());
    expect(marks.advance(6, 1000)).toBe(true);
    // One row written (the watermark), not six outbox rows.
    expect(Number(temp.store.database.prepare('SELECT total_changes()').pluck().get()) - changesBefore).toBe(1);
    expect(marks.advance(4, 2000)).toBe(false);
    expect(temp.store.outbox.watermark()).toBe(6);
    expect(temp.store.outbox.pending(100, 0).map((r) => r.seq)).toEqual([7, 8, 9, 10]);
    expect(temp.store.outbox.stats()).toMatchObject({ backlog: 4, oldestSeq: 7, delivered: 6 });
    // A row marked on its own above the watermark, and one below it (already delivered: counts 0).
    const all = temp.store.database.prepare('SELECT seq, message_id FROM outbox ORDER BY seq').raw(true).all() as [number, string][];
    expect(temp.store.outbox.markDelivered([all[8]![1], all[2]![1]])).toBe(1);
    expect(temp.store.outbox.pending(100, 0).map((r) => r.seq)).toEqual([7, 8, 10]);
    expect(temp.store.outbox.stats()).toMatchObject({ backlog: 3, delivered: 7 });
    expect(() => temp!.store.outbox.markDeliveredThrough(-1)).toThrow(/non-negative/);
  });

  it('prunes watermark-delivered rows by creation time and never an undelivered one', async () => {
    const clock = new FakeClock(1_000);
    temp = await openTempStore({ lane: 'l1', clock });
    enqueueAlarms(temp.store, 3);
    clock.advance(4_000);
    enqueueAlarms(temp.store, 3);
    temp.store.outbox.markDeliveredThrough(5, 6_000);
    expect(temp.store.outbox.pruneDelivered(2_000)).toBe(3);
    expect(temp.store.outbox.pruneDelivered(10_000)).toBe(2);
    expect(temp.store.outbox.pending(10, 0).map((r) => r.seq)).toEqual([6]);
  });
});

describe('BacklogMeter', () => {
  it('tracks pending count and bytes incrementally and agrees with a full count', async () => {
    temp = await openTempStore({ lane: 'l1' });
    const meter = new BacklogMeter(temp.store.database, 'l1', 1_000_000);
    expect(meter.read(0)).toEqual({ pending: 0, bytes: 0, oldestAt: null });
    enqueueAlarms(temp.store, 10);
    const r1 = meter.read(1);
    expect(r1.pending).toBe(10);
    const rows = temp.store.outbox.pending(100, 0);
    const total = rows.reduce((n, r) => n + Buffer.byteLength(r.payload), 0);
    expect(r1.bytes).toBe(total);
    // Deliver 4 (as the drain reports them), add 3 more.
    const firstFour = rows.slice(0, 4);
    new DeliveredMarks(temp.store.database, temp.store.outbox).mark(firstFour.map((r) => r.seq), 5);
    meter.delivered(firstFour.map((r) => ({ seq: r.seq, bytes: Buffer.byteLength(r.payload) })));
    enqueueAlarms(temp.store, 3);
    const r2 = meter.read(2);
    const full = new BacklogMeter(temp.store.database, 'l1').read(3);
    expect(r2.pending).toBe(9);
    expect(r2).toEqual(full);
    // The watermark passes 3 more (seq 5..7), reported by the drain; 2 more arrive.
    temp.store.outbox.markDeliveredThrough(7);
    meter.delivered(temp.store.database.prepare('SELECT seq, octet_length(payload) AS bytes FROM outbox WHERE seq BETWEEN 5 AND 7').all() as { seq: number; bytes: number }[]);
    enqueueAlarms(temp.store, 2);
    const r3 = meter.read(4);
    expect(r3.pending).toBe(8);
    expect(r3).toEqual(new BacklogMeter(temp.store.database, 'l1').read(5));
  });
});

describe('QuotaWatch', () => {
  it('raises an alarm through the outbox when the backlog nears and exceeds its quota, with hysteresis', async () => {
    temp = await openTempStore({ lane: 'l1' });
    const watch = new QuotaWatch(temp.store, 1000, 0.8, pino({ level: 'silent' }));
    expect(watch.update(500, 5)).toBeNull();
    expect(watch.update(800, 8)).toBe('warning');
    expect(watch.update(790, 8)).toBeNull(); // within hysteresis
    expect(watch.update(1000, 10)).toBe('exceeded');
    expect(watch.update(960, 10)).toBeNull();
    expect(watch.update(900, 9)).toBe('warning');
    expect(watch.update(700, 7)).toBe('ok');
    const alarms = temp.store.outbox.pending(10, 0).map((r) => JSON.parse(r.payload) as { code: string; severity: string });
    expect(alarms.map((a) => a.code)).toEqual(['outbox-quota-warning', 'outbox-quota-exceeded', 'outbox-quota-warning', 'outbox-quota-cleared']);
    expect(alarms[1]!.severity).toBe('critical');
    expect(temp.store.outbox.pending(10, 0).every((r) => r.topic === 'event/alarm')).toBe(true);
  });
});

describe('DeviceHealthWatch', () => {
  it('queues one event/device-health row per change, after the first observation', async () => {
    temp = await openTempStore({ lane: 'l1' });
    const watch = new DeviceHealthWatch(temp.store, pino({ level: 'silent' }));
    expect(watch.check({ 'device:scanner': 'ok', 'device:camera': 'starting' })).toBe(false);
    expect(watch.check({ 'device:scanner': 'ok', 'device:camera': 'starting' })).toBe(false);
    expect(watch.check({ 'device:scanner': 'degraded', 'device:camera': 'ok' })).toBe(true);
    expect(watch.check({ 'device:scanner': 'degraded' })).toBe(true);
    const rows = temp.store.outbox.pending(10, 0);
    expect(rows.every((r) => r.topic === 'event/device-health')).toBe(true);
    expect(rows.map((r) => JSON.parse(r.payload))).toEqual([
      { device: 'device:scanner', previous: 'ok', state: 'degraded' },
      { device: 'device:camera', previous: 'starting', state: 'ok' },
      { device: 'device:camera', previous: 'unknown', state: 'removed' },
    ]);
  });
});
