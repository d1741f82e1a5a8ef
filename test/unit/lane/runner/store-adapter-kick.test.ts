import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreAdapter } from '../../../../src/lane/runner/store-adapter.js';
import { openTestStore } from '../../store/store-fixtures.js';

/**
 * The runner's store adapter tells the MQTT link about new outbox rows so a passage leaves at once
 * rather than at the drainer's next poll, and only after the commit: a row a rollback could still
 * remove must never be sent. Real SQLite store.
 */
describe('StoreAdapter outboxCommitted', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(async () => t.close());

  it('fires once per journaled passage and per published message, each time with the rows committed', () => {
    const seen: { inTransaction: boolean; backlog: number }[] = [];
    const adapter = new StoreAdapter(t.store, {
      maxPlateDistance: () => 1,
      outboxCommitted: () => seen.push({ inTransaction: t.store.database.inTransaction, backlog: t.store.outbox.stats().backlog }),
    });
    const now = t.clock.now();
    const r = adapter.append({
      kind: 'people',
      direction: 'entry',
      stages: { presented: now, decided: now + 5 },
      evidence: {},
      outcome: 'grant',
      reasons: [],
      alarm: false,
      officerId: null,
    });
    expect(r.seq).toBe(1);
    adapter.publish('event/alarm', { alarm: 'tailgating' });
    expect(seen).toEqual([
      { inTransaction: false, backlog: 1 },
      { inTransaction: false, backlog: 2 },
    ]);
  });

  it('does not fire when the append is refused', () => {
    let calls = 0;
    const adapter = new StoreAdapter(t.store, { maxPlateDistance: () => 1, outboxCommitted: () => void (calls += 1) });
    expect(() => adapter.append({ kind: 'people', direction: 'sideways', stages: {}, evidence: {}, outcome: 'grant', reasons: [] } as never)).toThrow();
    expect(calls).toBe(0);
  });
});
