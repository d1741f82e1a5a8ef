import { describe, expect, it } from 'vitest';
import { EventLedger } from '../../../src/sync/central-sim/event-ledger.js';
import { LaneTopics } from '../../../src/sync/topics.js';

describe('LaneTopics', () => {
  const t = new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: 'p-entry-03' });

  it('builds the documented topics', () => {
    expect(t.state).toBe('bg/v1/mongcai/p-entry-03/state');
    expect(t.event('passage')).toBe('bg/v1/mongcai/p-entry-03/event/passage');
    expect(t.cmdResult('0195f3a0-0000-7000-8000-000000000001')).toBe('bg/v1/mongcai/p-entry-03/cmd-result/0195f3a0-0000-7000-8000-000000000001');
    expect(t.listDelta('vehicles')).toBe('bg/v1/mongcai/lists/vehicles');
    expect(t.subscriptions()).toEqual([
      'bg/v1/mongcai/p-entry-03/cmd/+',
      'bg/v1/mongcai/lists/+',
      'bg/v1/mongcai/lists/+/snapshot',
      'bg/v1/mongcai/p-entry-03/lists/+/snapshot',
      'bg/v1/mongcai/p-entry-03/state',
    ]);
  });

  it('never puts an unsafe id into a topic (wildcards, separators)', () => {
    for (const bad of ['a/b', '#', '+', '', 'x'.repeat(65)]) expect(t.cmdResult(bad)).toBe('bg/v1/mongcai/p-entry-03/cmd-result/invalid');
  });

  it('classifies what arrives', () => {
    expect(t.classify('bg/v1/mongcai/p-entry-03/cmd/open')).toEqual({ kind: 'command', name: 'open' });
    expect(t.classify('bg/v1/mongcai/lists/credentials')).toEqual({ kind: 'list-delta', list: 'credentials' });
    expect(t.classify('bg/v1/mongcai/lists/credentials/snapshot')).toEqual({ kind: 'list-snapshot', list: 'credentials', targeted: false });
    expect(t.classify('bg/v1/mongcai/p-entry-03/lists/cargo/snapshot')).toEqual({ kind: 'list-snapshot', list: 'cargo', targeted: true });
    expect(t.classify('bg/v1/mongcai/p-entry-03/state')).toEqual({ kind: 'own-state' });
    expect(t.classify('bg/v1/mongcai/p-entry-04/cmd/open')).toEqual({ kind: 'other' });
    expect(t.classify('bg/v1/mongcai/p-entry-03/cmd/open/extra')).toEqual({ kind: 'other' });
    expect(t.classify('bg/v1/dongxing/lists/credentials')).toEqual({ kind: 'other' });
  });

  it('refuses a lane id that would collide with the site-level lists topics', () => {
    expect(() => new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: 'lists' })).toThrow(/reserved/);
  });
});

describe('EventLedger (central-sim de-duplication and sequence check)', () => {
  it('counts duplicates by id, finds missing seqs and out-of-order arrivals', () => {
    const l = new EventLedger();
    expect(l.record('a', 'id1', 1)).toBe('new');
    expect(l.record('a', 'id3', 3)).toBe('new');
    expect(l.record('a', 'id1', 1)).toBe('duplicate');
    expect(l.record('a', 'id2', 2)).toBe('new');
    expect(l.record('a', 'id5', 5)).toBe('new');
    expect(l.record('a', 'other', 5)).toBe('seq-conflict');
    expect(l.report('a')).toEqual({ lane: 'a', unique: 4, duplicates: 1, lowestSeq: 1, highestSeq: 5, missing: [4], seqConflicts: 1, outOfOrder: 1 });
    expect(l.report('b')).toMatchObject({ unique: 0, missing: [] });
    expect(l.ids('a')).toEqual(new Set(['id1', 'id2', 'id3', 'id5']));
  });
});
