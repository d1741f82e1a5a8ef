import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/store/canonical-json.js';
import { StoreInputError } from '../../../src/store/store-failure.js';
import type { Store } from '../../../src/store/store.js';
import { UUID_V7_PATTERN } from '../../../src/util/ids.js';
import { openTestStore, passage } from './store-fixtures.js';

describe('passage journal', () => {
  let t: Awaited<ReturnType<typeof openTestStore>>;
  let store: Store;
  beforeEach(async () => {
    t = await openTestStore();
    store = t.store;
  });
  afterEach(async () => t.close());

  /** Tamper tests act like someone editing the file: the append-only triggers go first. */
  const dropGuards = (): void => {
    store.database.exec('DROP TRIGGER passages_append_only_update; DROP TRIGGER passages_append_only_delete;');
  };
  const appendN = (n: number): void => {
    for (let i = 0; i < n; i++) {
      store.journal.append(passage({ outcome: i % 2 ? 'deny' : 'grant', reasons: i % 2 ? ['CREDENTIAL_EXPIRED'] : [] }));
      t.clock.advance(1000);
    }
  };

  it('numbers passages +1 per lane and chains sha256(prevHash || canonical JSON)', () => {
    const a = store.journal.append(passage());
    t.clock.advance(5);
    const b = store.journal.append(passage({ officerId: 'officer-7', outcome: 'grant', reasons: ['OFFICER_OVERRIDE'] }));
    expect([a.record.seq, b.record.seq]).toEqual([1, 2]);
    expect(a.record.id).toMatch(UUID_V7_PATTERN);
    expect(a.prevHash).toBe('0'.repeat(64));
    expect(b.prevHash).toBe(a.hash);
    const expected = createHash('sha256').update(Buffer.from(a.hash, 'hex')).update(canonicalJson(b.record)).digest('hex');
    expect(b.hash).toBe(expected);
    expect(b.record).toMatchObject({ lane: 'lane-1', officerId: 'officer-7', recordedAt: t.clock.now(), alarm: false });
    expect(store.journal.get(b.record.id)).toEqual({ record: b.record, hash: b.hash, prevHash: b.prevHash });
    expect(store.journal.last(5).map((p) => p.record.seq)).toEqual([2, 1]);
  });

  it('commits the event/passage outbox message (and extra messages) with the passage', () => {
    const r = store.journal.append(passage({ alarm: true, extraMessages: [{ topic: 'event/alarm', payload: { kind: 'watchlist' } }] }));
    expect(r.messages.map((m) => m.topic)).toEqual(['event/passage', 'event/alarm']);
    const pending = store.outbox.pending(10);
    expect(pending.map((m) => [m.topic, m.passageId])).toEqual([
      ['event/passage', r.record.id],
      ['event/alarm', r.record.id],
    ]);
    expect(JSON.parse(pending[0]!.payload)).toEqual({ ...r.record, hash: r.hash, prevHash: r.prevHash });
  });

  it('writes nothing when the input is refused, with a reason naming the field', () => {
    const bad: [Parameters<typeof passage>[0], RegExp][] = [
      [{ outcome: 'open' as never }, /passage outcome: must be one of grant, deny, refer, alarm/],
      [{ reasons: ['lower-case'] }, /passage reasons/],
      [{ stages: { presented: -5 } }, /passage stages\.presented: must be epoch milliseconds/],
      [{ evidence: { credential: { documentNumber: 'C1234567' } } }, /evidence\.credential\.documentNumber: names personal data/],
      [{ evidence: { faceTemplate: [0.1, 0.2] } }, /names personal data/],
      [{ evidenceFiles: ['../../etc/passwd'] }, /evidenceFiles/],
      [{ id: 'not-a-uuid' }, /passage id: must be a lowercase UUIDv7/],
      [{ evidence: { score: Number.NaN } }, /not finite/],
      [{ extraMessages: [{ topic: 'bg/#', payload: {} }] }, /extraMessages\[0\]\.topic/],
    ];
    for (const [overrides, reason] of bad) {
      expect(() => store.journal.append(passage(overrides)), JSON.stringify(overrides)).toThrow(reason);
    }
    expect(() => store.journal.append(passage({ evidence: { documentNumber: 'C1234567' } }))).toThrow(StoreInputError);
    expect(store.journal.head()).toEqual({ count: 0, seq: 0 });
    expect(store.outbox.stats().backlog).toBe(0);
  });

  it('group-commits several passages in one transaction, all or none', () => {
    store.journal.append(passage());
    const batch = store.journal.appendMany([passage(), passage({ outcome: 'deny', reasons: ['FACE_BELOW_THRESHOLD'] }), passage()]);
    expect(batch.map((r) => r.record.seq)).toEqual([2, 3, 4]);
    expect(batch[1]!.prevHash).toBe(batch[0]!.hash);
    expect(() => store.journal.appendMany([passage(), passage({ reasons: ['bad reason'] })])).toThrow(/passage reasons/);
    expect(store.journal.head()).toEqual({ count: 4, seq: 4 });
    expect(store.outbox.stats().backlog).toBe(4);
    expect(store.verifyJournal().ok).toBe(true);
  });

  it('refuses updates and deletes through SQLite', () => {
    appendN(2);
    expect(() => store.database.prepare("UPDATE passages SET outcome = 'grant'").run()).toThrow(/append-only/);
    expect(() => store.database.prepare('DELETE FROM passages').run()).toThrow(/append-only/);
  });

  it('verifies an intact chain', () => {
    appendN(20);
    const report = store.verifyJournal();
    expect(report).toMatchObject({ ok: true, checked: 20, problemCount: 0, lanes: [{ lane: 'lane-1', passages: 20, lastSeq: 20 }] });
  });

  it('detects an edited row', () => {
    appendN(5);
    dropGuards();
    const row = store.database.prepare('SELECT content FROM passages WHERE seq = 2').pluck().get() as string;
    expect(row).toContain('"outcome":"deny"');
    store.database.prepare('UPDATE passages SET content = ? WHERE seq = 2').run(row.replace('"outcome":"deny"', '"outcome":"grant"'));
    const report = store.verifyJournal();
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 2, problem: 'hash-mismatch' }), expect.objectContaining({ seq: 2, problem: 'column-mismatch' })]);
  });

  it('detects an edited query column even when the hashed content is intact', () => {
    appendN(3);
    dropGuards();
    store.database.prepare("UPDATE passages SET outcome = 'grant' WHERE seq = 2").run();
    expect(store.verifyJournal().problems).toEqual([expect.objectContaining({ seq: 2, problem: 'column-mismatch', detail: expect.stringContaining('outcome') as string })]);
  });

  it('detects a deleted row as a gap and a broken chain', () => {
    appendN(6);
    dropGuards();
    store.database.pragma('foreign_keys = OFF');
    store.database.prepare('DELETE FROM passages WHERE seq = 4').run();
    const kinds = store.verifyJournal().problems.map((p) => [p.seq, p.problem]);
    expect(kinds).toEqual([
      [5, 'gap'],
      [5, 'chain-broken'],
    ]);
  });

  it('detects rows cut from the end, and a journal emptied altogether', () => {
    appendN(4);
    dropGuards();
    store.database.pragma('foreign_keys = OFF');
    store.database.prepare('DELETE FROM passages WHERE seq = 4').run();
    expect(store.verifyJournal().problems).toEqual([expect.objectContaining({ seq: 3, problem: 'head-mismatch' })]);
    store.database.prepare('DELETE FROM passages').run();
    expect(store.verifyJournal().problems).toEqual([expect.objectContaining({ seq: 4, problem: 'head-mismatch' })]);
  });

  it('detects reordered rows', () => {
    appendN(4);
    dropGuards();
    // Swap the positions of passages 2 and 3 (sequence numbers exchanged, contents kept).
    store.database.exec(`
      UPDATE passages SET seq = 1000 WHERE seq = 2;
      UPDATE passages SET seq = 2 WHERE seq = 3;
      UPDATE passages SET seq = 3 WHERE seq = 1000;`);
    const problems = store.verifyJournal().problems.map((p) => p.problem);
    expect(problems).toContain('chain-broken');
    expect(problems).toContain('column-mismatch');
    expect(problems).toContain('reordered');
  });
});
