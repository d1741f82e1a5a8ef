import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowEffect, PeopleFlowEvent } from '../../../../src/lane/flow-types.js';
import { initialPeopleState, peoplePassageLimitMs, stepPeople, type PeopleFlowState } from '../../../../src/lane/people/index.js';
import { CONFIG, CREDENTIAL, T0, face, facts } from './fixtures.js';

const LIMIT = peoplePassageLimitMs(CONFIG.timeouts);
const FACTS = [
  facts(),
  facts({ credential: { status: 'revoked', subjectId: 's1', validFrom: null, validUntil: null } }),
  facts({ storeHealthy: false, storeProblem: 'disk-full' }),
  facts({ watchlistHits: [{ kind: 'person', action: 'deny', listId: 'w', score: null }] }),
];
const FACES = [face(), face({ quality: 0.1 }), face({ faceCount: 2 }), face({ presentationAttackScore: 0.9 }), face({ faceCount: 0, quality: 0 })];

/** Abstract event: the harness fills in the current passage (or a stale one) and the time. */
const eventArb = fc.record({
  kind: fc.constantFrom(
    'credential', 'unreadable', 'facts', 'entry-beam', 'exit-beam', 'faces', 'recognised', 'journaled', 'journal-failed',
    'override', 'bad-override', 'timer', 'emergency', 'free-pass', 'reset', 'fault', 'ok', 'junk',
  ),
  dt: fc.integer({ min: 0, max: 40_000 }),
  stale: fc.boolean(),
  n: fc.nat(9),
  flag: fc.boolean(),
});
type Abstract = { kind: string; dt: number; stale: boolean; n: number; flag: boolean };

function concrete(a: Abstract, s: PeopleFlowState, at: number): PeopleFlowEvent {
  const passage = a.stale || !s.passage ? `p${a.n}` : s.passage.ref;
  const outcomes = ['grant', 'deny', 'refer', 'alarm'] as const;
  switch (a.kind) {
    case 'credential': return { type: 'credential-presented', at, credential: CREDENTIAL };
    case 'unreadable': return { type: 'credential-presented', at, credential: null };
    case 'facts': return { type: 'facts', at, passage, facts: FACTS[a.n % FACTS.length]! };
    case 'entry-beam': return { type: 'entry-beam', at, count: a.n % 3, clear: a.flag };
    case 'exit-beam': return { type: 'exit-beam', at, clear: a.flag };
    case 'faces': return { type: 'faces-captured', at, passage, face: a.n === 9 ? null : FACES[a.n % FACES.length]! };
    case 'recognised': return { type: 'face-recognised', at, passage, face: face({ matchScore: a.n / 9 }) };
    case 'journaled': return { type: 'journaled', at, passage, passageId: `j${at}`, seq: at };
    case 'journal-failed': return { type: 'journal-failed', at, passage, error: 'disk full' };
    case 'override': return { type: 'officer-override', at, officerId: 'off-1', outcome: outcomes[a.n % 4]!, reason: 'seen', source: a.flag ? 'lanectl' : 'mqtt' };
    case 'bad-override': return { type: 'officer-override', at, officerId: '', outcome: 'grant', reason: '', source: 'lanectl' };
    case 'timer': return { type: 'timer', at, name: a.stale ? `people:p${a.n}:held` : (s.timer?.name ?? 'none') };
    case 'emergency': return { type: 'emergency', at, active: a.flag };
    case 'free-pass': return { type: 'free-pass', at, active: a.flag };
    case 'reset': return { type: 'reset', at, source: a.flag ? 'local' : 'mqtt' };
    case 'fault': return { type: 'device-fault', at, device: `d${a.n % 2}`, reason: 'lost' };
    case 'ok': return { type: 'device-ok', at, device: `d${a.n % 2}` };
    default: return { type: 'nonsense', at } as unknown as PeopleFlowEvent;
  }
}

/** Runs a sequence, delivering every due timer first (as the runner would), checking the invariants. */
function check(seq: Abstract[]): void {
  let s = initialPeopleState();
  let at = T0;
  const lastJournalOutcome = new Map<string, string>();
  const pendingJournal = new Set<string>(); // journal requested, no `journaled` event since
  const confirmed = new Set<string>();
  const started = new Map<string, number>();

  const feed = (e: PeopleFlowEvent): void => {
    if (e.type === 'journaled' && pendingJournal.has(e.passage)) {
      pendingJournal.delete(e.passage);
      confirmed.add(e.passage);
    }
    let effects: FlowEffect[] = [];
    expect(() => ({ state: s, effects } = stepPeople(CONFIG, s, e))).not.toThrow();
    for (const x of effects) {
      if (x.type === 'alarm') expect(x.kind).not.toBe('internal-error');
      if (x.type === 'journal') {
        lastJournalOutcome.set(x.passage, x.record.outcome);
        pendingJournal.add(x.passage);
      }
      if (x.type === 'actuate') {
        // After a verdict exists nothing moves until it is journaled (admit/close-behind come before any verdict).
        expect(pendingJournal.has(x.passage)).toBe(false);
        if (x.purpose !== 'admit' && x.purpose !== 'close-behind') expect(confirmed.has(x.passage)).toBe(true);
        if (x.target === 'exit-door' && x.action === 'open') {
          expect(x.purpose).toBe('grant');
          expect(lastJournalOutcome.get(x.passage)).toBe('grant');
        }
      }
    }
    if (s.passage) {
      if (!started.has(s.passage.ref)) started.set(s.passage.ref, e.at);
      expect(e.at).toBeLessThanOrEqual(started.get(s.passage.ref)! + LIMIT);
    }
  };
  const fireDueTimers = (until: number): void => {
    for (let i = 0; i < 50 && s.timer && s.timer.dueAt <= until; i++) feed({ type: 'timer', at: Math.max(at, s.timer.dueAt), name: s.timer.name });
  };

  for (const a of seq) {
    const next = at + a.dt;
    fireDueTimers(next);
    at = Math.max(at, next);
    feed(concrete(a, s, at));
  }
  // Nothing more happens: every passage must end by its deadline through timeouts alone.
  fireDueTimers(Number.MAX_SAFE_INTEGER);
  expect(s.passage).toBeNull();
}

describe('people lane: properties', () => {
  it('durability, grant-only-on-grant, bounded passages, never throws (20,000 random sequences)', () => {
    fc.assert(fc.property(fc.array(eventArb, { minLength: 1, maxLength: 30 }), (seq) => check(seq)), { numRuns: 20_000 });
  }, 120_000); // 20,000 sequences on a shared 2-core machine: not a timing assertion
});
