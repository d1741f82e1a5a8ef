import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeopleFlowEvent } from '../../../../src/lane/flow-types.js';
import { initialPeopleState, peoplePassageLimitMs, stepPeople, type PeopleFlowConfig, type PeopleFlowState } from '../../../../src/lane/people/index.js';
import { checkFlowSequence, commonEvent, type AbstractEvent } from '../flow-test-kit.js';
import { CONFIG, CREDENTIAL, face, facts } from './fixtures.js';

const LIMIT = peoplePassageLimitMs(CONFIG.timeouts);
const FACTS = [
  facts(),
  facts({ credential: { status: 'revoked', subjectId: 's1', validFrom: null, validUntil: null } }),
  facts({ storeHealthy: false, storeProblem: 'disk-full' }),
  facts({ watchlistHits: [{ kind: 'person', action: 'deny', listId: 'w', score: null }] }),
];
const FACES = [face(), face({ quality: 0.1 }), face({ faceCount: 2 }), face({ presentationAttackScore: 0.9 }), face({ faceCount: 0, quality: 0 })];

const eventArb = fc.record({
  kind: fc.constantFrom(
    'credential', 'unreadable', 'facts', 'entry-beam', 'entry-door', 'exit-beam', 'faces', 'recognised', 'journaled', 'journal-failed',
    'override', 'bad-override', 'timer', 'emergency', 'free-pass', 'reset', 'fault', 'ok', 'found-open', 'junk',
  ),
  dt: fc.integer({ min: 0, max: 40_000 }),
  stale: fc.boolean(),
  n: fc.nat(9),
  flag: fc.boolean(),
});

function concrete(a: AbstractEvent, s: PeopleFlowState, at: number): PeopleFlowEvent {
  const passage = a.stale || !s.passage ? `p${a.n}` : s.passage.ref;
  switch (a.kind) {
    case 'credential': return { type: 'credential-presented', at, credential: CREDENTIAL };
    case 'unreadable': return { type: 'credential-presented', at, credential: null };
    case 'facts': return { type: 'facts', at, passage, facts: FACTS[a.n % FACTS.length]! };
    case 'entry-beam': return { type: 'entry-beam', at, count: a.n % 3, clear: a.flag };
    case 'entry-door': return { type: 'entry-door', at, closed: a.flag };
    case 'exit-beam': return { type: 'exit-beam', at, clear: a.flag };
    case 'faces': return { type: 'faces-captured', at, passage, face: a.n === 9 ? null : FACES[a.n % FACES.length]! };
    case 'recognised': return { type: 'face-recognised', at, passage, face: face({ matchScore: a.n / 9 }) };
    case 'journal-failed': return { type: 'journal-failed', at, passage, error: 'disk full' };
    case 'bad-override': return { type: 'officer-override', at, officerId: '', outcome: 'grant', reason: '', source: 'lanectl' };
    default: return commonEvent(a, 'people', passage, s.timer, at);
  }
}

/** Runs a sequence through the shared harness; the mantrap's own rule is on the doors. */
function check(seq: AbstractEvent[], config: PeopleFlowConfig = CONFIG): void {
  checkFlowSequence<PeopleFlowState, PeopleFlowEvent>(
    {
      initial: initialPeopleState(),
      step: (s, e) => stepPeople(config, s, e),
      limitMs: LIMIT,
      concrete,
      checkActuation: (x, { pendingJournal, confirmed, lastJournalOutcome }, after) => {
        // After a verdict exists nothing moves until it is journaled (admit/close-behind come before any verdict).
        expect(pendingJournal.has(x.passage)).toBe(false);
        if (x.purpose !== 'admit' && x.purpose !== 'close-behind') expect(confirmed.has(x.passage)).toBe(true);
        if (x.target === 'exit-door' && x.action === 'open') {
          expect(x.purpose).toBe('grant');
          expect(lastJournalOutcome.get(x.passage)).toBe('grant');
          // Both mantrap doors are never open for a passage: the entry is confirmed closed first.
          expect(after.passage?.entrySealed).toBe(true);
        }
      },
    },
    seq,
  );
}

describe('people lane: properties', () => {
  it('durability, grant-only-on-grant, bounded passages, never throws (20,000 random sequences)', () => {
    fc.assert(fc.property(fc.array(eventArb, { minLength: 1, maxLength: 30 }), (seq) => check(seq)), { numRuns: 20_000 });
  }, 120_000); // 20,000 sequences on a shared 2-core machine: not a timing assertion

  it('the same with the face check off (policy.requireFace false), 10,000 sequences', () => {
    const noFace = { ...CONFIG, policy: { ...CONFIG.policy, requireFace: false } };
    fc.assert(fc.property(fc.array(eventArb, { minLength: 1, maxLength: 30 }), (seq) => check(seq, noFace)), { numRuns: 10_000 });
  }, 120_000);
});
