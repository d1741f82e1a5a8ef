import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/store.js';
import { openTestStore, passage } from './store-fixtures.js';

describe('outbox', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let store: Store;
  beforeEach(async () => {
    t = await openTestStore();
    store = t.store;
  });
  afterEach(async () => t.close());

  it('drains in order and leaves the backlog only on delivery confirmation', () => {
    const created = t.clock.now();
    for (let i = 0; i < 5; i++) {
      store.journal.append(passage());
      t.clock.advance(100);
    }
    store.outbox.enqueue('event/alarm', { reason: 'tamper' });
    const first = store.outbox.pending(3);
    expect(first.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(store.outbox.pending(10, 3).map((m) => m.seq)).toEqual([4, 5, 6]);
    store.outbox.markAttempt([first[0]!.messageId]);
    expect(store.outbox.pending(1)[0]).toMatchObject({ attempts: 1, lastAttemptAt: t.clock.now() });

    expect(store.outbox.stats()).toMatchObject({ backlog: 6, oldestSeq: 1, oldestCreatedAt: created, delivered: 0 });
    expect(store.outbox.stats().oldestAgeMs).toBe(t.clock.now() - created);
    // A PUBACK for message 2 before 1 (QoS 1 allows it): 1 stays first in line.
    expect(store.outbox.markDelivered([first[1]!.messageId])).toBe(1);
    expect(store.outbox.markDelivered([first[1]!.messageId])).toBe(0);
    expect(store.outbox.pending(2).map((m) => m.seq)).toEqual([1, 3]);
    expect(store.outbox.markDelivered([first[0]!.messageId, first[2]!.messageId, 'unknown-id'])).toBe(2);
    expect(store.outbox.stats()).toMatchObject({ backlog: 3, oldestSeq: 4, delivered: 3 });
  });

  it('prunes only delivered messages, never the backlog', () => {
    store.journal.append(passage());
    store.journal.append(passage());
    const [m1] = store.outbox.pending(1);
    store.outbox.markDelivered([m1!.messageId]);
    t.clock.advance(60_000);
    expect(store.outbox.pruneDelivered(t.clock.now())).toBe(1);
    expect(store.outbox.stats()).toMatchObject({ backlog: 1, delivered: 0 });
    expect(store.journal.head().count).toBe(2); // the journal keeps both
  });

  it('refuses a bad topic or payload with a reason', () => {
    expect(() => store.outbox.enqueue('bg/v1/#', {})).toThrow(/relative topic/);
    expect(() => store.outbox.enqueue('event/alarm', { at: Number.POSITIVE_INFINITY })).toThrow(/outbox payload: \$\.at: number is not finite/);
    expect(store.outbox.stats().backlog).toBe(0);
  });
});
