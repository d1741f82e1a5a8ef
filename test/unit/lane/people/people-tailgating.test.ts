import { describe, expect, it } from 'vitest';
import { CONFIG, CREDENTIAL, PeopleLane, face, facts, of } from './fixtures.js';

/**
 * Tailgating is caught by the entry beam's count until the entry door is confirmed closed behind
 * the traveller, with or without a face camera; the exit opens only after that confirmation.
 */
const NO_FACE = { ...CONFIG, policy: { ...CONFIG.policy, requireFace: false } };

/** Face check off: the grant is journaled at the reader, the entry opens, the traveller steps in. */
function grantedAndStepping(): PeopleLane {
  const lane = new PeopleLane(NO_FACE);
  lane.send({ type: 'credential-presented', credential: CREDENTIAL });
  const f = lane.send({ type: 'facts', passage: 'p1', facts: facts() });
  expect(of(f, 'journal')[0]?.record).toMatchObject({ outcome: 'grant' });
  const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
  expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'open', purpose: 'admit' }]);
  lane.send({ type: 'entry-beam', count: 1, clear: false });
  const inside = lane.send({ type: 'entry-beam', count: 1, clear: true });
  expect(of(inside, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'close', purpose: 'close-behind' }]);
  expect(lane.state.phase).toBe('closing-entry');
  return lane;
}

describe('people lane without a face check: tailgating', () => {
  it('a second person through the entry beam before the door closed is TAILGATING: alarm, journaled, the exit stays shut', () => {
    const lane = grantedAndStepping();
    const second = lane.send({ type: 'entry-beam', count: 2, clear: false });
    const [journal] = of(second, 'journal');
    expect(journal?.record).toMatchObject({ outcome: 'alarm', alarm: true, evidence: { personCount: 2, supersedes: 'j-1' } });
    expect(journal?.record.reasons).toContain('TAILGATING');
    expect(of(second, 'alarm')[0]).toMatchObject({ kind: 'verdict' });
    expect(of(second, 'actuate')).toEqual([]);
    // Neither the door closing nor the journal's answer opens the exit.
    lane.send({ type: 'entry-beam', count: 2, clear: true });
    lane.send({ type: 'entry-door', closed: true });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-2', seq: 2 });
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'wait-officer', reason: 'one-at-a-time' });
    expect(lane.state.phase).toBe('held');
    expect(lane.all.filter((e) => e.type === 'actuate' && e.target === 'exit-door')).toEqual([]);
  });

  it('one person: the exit opens once the entry door is confirmed closed, not before', () => {
    const lane = grantedAndStepping();
    expect(lane.all.filter((e) => e.type === 'actuate' && e.target === 'exit-door')).toEqual([]);
    const closing = lane.send({ type: 'entry-door', closed: false });
    expect(of(closing, 'actuate')).toEqual([]);
    const sealed = lane.send({ type: 'entry-door', closed: true });
    expect(of(sealed, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'open', purpose: 'grant' }]);
    expect(of(sealed, 'display')[0]?.screen).toBe('proceed');
    // Once sealed, a beam at the closed entry door is someone outside: not counted against this traveller.
    const outside = lane.send({ type: 'entry-beam', count: 2, clear: false });
    expect(of(outside, 'journal')).toEqual([]);
    lane.send({ type: 'exit-beam', clear: false });
    lane.send({ type: 'exit-beam', clear: true });
    expect(lane.state.phase).toBe('idle');
  });

  it('the entry door never confirms closed: alarm, an officer comes, the exit stays shut', () => {
    const lane = grantedAndStepping();
    const t = lane.timeout();
    expect(of(t, 'alarm')[0]).toMatchObject({ kind: 'device-fault' });
    expect(of(t, 'actuate')).toEqual([]);
    expect(of(t, 'display')[0]?.screen).toBe('wait-officer');
    expect(lane.state.phase).toBe('held');
  });

  it('a closed report before the door was asked to close behind the traveller seals nothing', () => {
    const lane = new PeopleLane(NO_FACE);
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    const early = lane.send({ type: 'entry-door', closed: true });
    expect(of(early, 'ignored')).toHaveLength(1);
    lane.send({ type: 'entry-beam', count: 1, clear: false });
    lane.send({ type: 'entry-beam', count: 1, clear: true });
    expect(lane.state.phase).toBe('closing-entry');
    expect(lane.state.passage?.entrySealed).toBe(false);
  });
});

describe('people lane with a face check: tailgating while the verdict is written', () => {
  it('a second person counted while a grant is being journaled turns it into TAILGATING once durable', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    lane.send({ type: 'entry-beam', count: 1, clear: false });
    lane.send({ type: 'entry-beam', count: 1, clear: true });
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    const v = lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.92 }) });
    expect(of(v, 'journal')[0]?.record).toMatchObject({ outcome: 'grant' });
    // The entry door has not confirmed it closed: the beam still counts.
    lane.send({ type: 'entry-beam', count: 2, clear: false });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(of(j, 'journal')[0]?.record).toMatchObject({ outcome: 'alarm', evidence: { personCount: 2, supersedes: 'j-1' } });
    expect(of(j, 'journal')[0]?.record.reasons).toContain('TAILGATING');
    lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-2', seq: 2 });
    expect(lane.state.phase).toBe('held');
    expect(lane.all.filter((e) => e.type === 'actuate' && e.target === 'exit-door')).toEqual([]);
  });

  it('granted before the entry door confirmed closed: waits for it, then opens the exit', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    lane.send({ type: 'entry-beam', count: 1, clear: false });
    lane.send({ type: 'entry-beam', count: 1, clear: true });
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.92 }) });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(lane.state.phase).toBe('closing-entry');
    expect(of(lane.send({ type: 'entry-door', closed: true }), 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'open', purpose: 'grant' }]);
  });
});
