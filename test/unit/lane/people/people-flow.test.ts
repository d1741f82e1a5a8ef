import { describe, expect, it } from 'vitest';
import { stepPeople, initialPeopleState } from '../../../../src/lane/people/index.js';
import type { PeopleFlowEvent } from '../../../../src/lane/flow-types.js';
import { CONFIG, CREDENTIAL, PeopleLane, face, facts, of } from './fixtures.js';

describe('people lane: grant', () => {
  it('runs the whole mantrap: admit, capture, recognise, journal, and only then open the exit', () => {
    const lane = new PeopleLane();
    const e1 = lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    expect(of(e1, 'lookup-credential')).toEqual([{ type: 'lookup-credential', passage: 'p1', credential: CREDENTIAL, vehicle: null }]);
    const e2 = lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    expect(of(e2, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'open', purpose: 'admit' }]);
    expect(of(e2, 'display')[0]).toMatchObject({ screen: 'enter', nationality: 'VNM' });
    lane.send({ type: 'entry-beam', count: 1, clear: false });
    const e3 = lane.send({ type: 'entry-beam', count: 1, clear: true });
    expect(of(e3, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'close', purpose: 'close-behind' }]);
    expect(of(e3, 'capture-faces')).toEqual([{ type: 'capture-faces', passage: 'p1', frames: 5, attempt: 1 }]);
    expect(of(lane.send({ type: 'entry-door', closed: true }), 'actuate')).toEqual([]); // sealed behind the traveller
    const e4 = lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    expect(of(e4, 'recognise-face')).toEqual([{ type: 'recognise-face', passage: 'p1', subjectId: 's1' }]);
    const e5 = lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.92 }) });
    const [journal] = of(e5, 'journal');
    expect(journal?.record).toMatchObject({ kind: 'people', outcome: 'grant', reasons: [], alarm: false, officerId: null });
    expect(of(e5, 'actuate')).toEqual([]); // durability: not before `journaled`
    const e6 = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(e6, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'open', purpose: 'grant' }]);
    expect(of(e6, 'display')[0]?.screen).toBe('proceed');
    lane.send({ type: 'exit-beam', clear: false });
    const e7 = lane.send({ type: 'exit-beam', clear: true });
    expect(of(e7, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'close', purpose: 'close-after' }]);
    expect(lane.state.phase).toBe('idle');
    expect(lane.state.passage).toBeNull();
  });

  it('keeps personal data out of the journal record', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    const [journal] = of(lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.9 }) }), 'journal');
    const text = JSON.stringify(journal?.record);
    for (const key of ['payload', 'template', 'embedding', 'documentNumber', 'qr"']) expect(text).not.toContain(key);
    expect(text).toContain(CREDENTIAL.idHash); // the keyed hash is what identifies the credential
  });

  it('retries a low-quality capture once, then recognises', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const retry = lane.send({ type: 'faces-captured', passage: 'p1', face: face({ quality: 0.2 }) });
    expect(of(retry, 'capture-faces')).toEqual([{ type: 'capture-faces', passage: 'p1', frames: 5, attempt: 2 }]);
    expect(of(retry, 'set-timer')).toEqual([]); // a retry does not extend the passage
    expect(of(lane.send({ type: 'faces-captured', passage: 'p1', face: face() }), 'recognise-face')).toHaveLength(1);
  });
});

describe('people lane: deny, refer, alarm', () => {
  it('a revoked credential is refused at the reader: journaled, no door moves', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    const e = lane.send({ type: 'facts', passage: 'p1', facts: facts({ credential: { status: 'revoked', subjectId: 's1', validFrom: null, validUntil: null } }) });
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'deny' });
    expect(of(e, 'journal')[0]?.record.reasons).toContain('CREDENTIAL_REVOKED');
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'denied', reason: 'credential-not-valid' });
    lane.timeout();
    expect(lane.state.phase).toBe('idle');
  });

  it('a watchlist deny found by the 1:N search sends the traveller back through the entry door', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    const hit = { kind: 'face' as const, action: 'deny' as const, listId: 'wl-1', score: 0.95 };
    const e = lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.9 }), facts: facts({ watchlistHits: [hit] }) });
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'deny', alarm: true });
    expect(of(e, 'alarm')[0]).toMatchObject({ kind: 'verdict' });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'open', purpose: 'send-back' }]);
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'denied' });
    expect(of(j, 'display')[0]?.reason).toBeUndefined(); // security findings are never explained on screen
    lane.send({ type: 'entry-beam', count: 1, clear: false });
    const out = lane.send({ type: 'entry-beam', count: 1, clear: true });
    expect(of(out, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'close', purpose: 'close-after' }]);
    expect(lane.state.phase).toBe('idle');
  });

  it('a face below threshold is referred and held for an officer, doors shut', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    const e = lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.3 }) });
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', reasons: ['FACE_BELOW_THRESHOLD'] });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'wait-officer', reason: 'face-not-verified' });
    expect(lane.state.phase).toBe('held');
  });

  it('a presentation attack raises the alarm at capture, before any 1:1 match', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const e = lane.send({ type: 'faces-captured', passage: 'p1', face: face({ presentationAttackScore: 0.95, presentationAttackReasons: ['screen'] }) });
    expect(of(e, 'recognise-face')).toEqual([]);
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'alarm', alarm: true });
    expect(of(e, 'journal')[0]?.record.reasons).toContain('PRESENTATION_ATTACK_SUSPECTED');
    expect(of(e, 'alarm')).toHaveLength(1);
  });
});

describe('people lane: tailgating', () => {
  it('two people counted by the entry beam: alarm, journaled, no door moves', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    const e = lane.send({ type: 'entry-beam', count: 2, clear: true });
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'alarm', alarm: true });
    expect(of(e, 'journal')[0]?.record.reasons).toContain('TAILGATING');
    expect(of(e, 'actuate')).toEqual([]);
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([]);
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'wait-officer', reason: 'one-at-a-time' });
  });

  it('two faces in the captured frames: alarm', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const e = lane.send({ type: 'faces-captured', passage: 'p1', face: face({ faceCount: 2 }) });
    expect(of(e, 'journal')[0]?.record.reasons).toContain('TAILGATING');
    expect(of(e, 'journal')[0]?.record.outcome).toBe('alarm');
  });
});

describe('people lane: officer override', () => {
  it('an officer grants a referred traveller; the override and officer id are journaled before the exit opens', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.3 }) });
    lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    const o = lane.send({ type: 'officer-override', officerId: 'officer-17', outcome: 'grant', reason: 'checked passport by hand', source: 'lanectl' });
    const [journal] = of(o, 'journal');
    expect(journal?.record).toMatchObject({ outcome: 'grant', officerId: 'officer-17' });
    expect(journal?.record.reasons).toEqual(['FACE_BELOW_THRESHOLD', 'OFFICER_OVERRIDE']);
    expect(journal?.record.evidence).toMatchObject({ overrideSource: 'lanectl', supersedes: 'j-1' });
    expect(of(o, 'actuate')).toEqual([]);
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-2', seq: 2 });
    expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'open', purpose: 'grant' }]);
  });

  it('an MQTT override denying a traveller at the reader is journaled with its source', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    const o = lane.send({ type: 'officer-override', officerId: 'central.duty', outcome: 'deny', reason: 'lane closing', source: 'mqtt' });
    expect(of(o, 'journal')[0]?.record).toMatchObject({ outcome: 'deny', officerId: 'central.duty', evidence: { overrideSource: 'mqtt' } });
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    // The entry door had opened to admit; the traveller never stepped in, so it closes again.
    expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'close', purpose: 'close-after' }]);
  });

  it('a malformed override is refused with a reason and changes nothing', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const before = lane.state;
    const o = lane.send({ type: 'officer-override', officerId: '', outcome: 'grant', reason: 'x', source: 'lanectl' });
    expect(of(o, 'ignored')[0]?.reason).toMatch(/override invalid/);
    expect(lane.state).toEqual(before);
  });
});

describe('people lane: durability', () => {
  it('journal-failed: fail secure, alarm, no door moves, the lane closes when no officer comes', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.95 }) });
    const f = lane.send({ type: 'journal-failed', passage: 'p1', error: 'disk full' });
    expect(of(f, 'actuate')).toEqual([]);
    expect(of(f, 'alarm')[0]).toMatchObject({ kind: 'journal-failed' });
    expect(lane.state.phase).toBe('held');
    const late = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-late', seq: 9 });
    expect(of(late, 'actuate')).toEqual([]); // a late confirmation is not trusted
    const t = lane.timeout();
    expect(of(t, 'actuate')).toEqual([]);
    expect(lane.state.phase).toBe('suspended');
    expect(lane.all.filter((e) => e.type === 'actuate' && e.target === 'exit-door')).toEqual([]);
    lane.send({ type: 'reset', source: 'local' });
    expect(lane.state.phase).toBe('idle');
  });

  it('a journal that never answers counts as failed', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts({ credential: null }) });
    const t = lane.timeout();
    expect(of(t, 'alarm')[0]).toMatchObject({ kind: 'journal-failed' });
    expect(of(t, 'actuate')).toEqual([]);
  });

  it('results for another passage are ignored', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    const e = lane.send({ type: 'facts', passage: 'p9', facts: facts() });
    expect(of(e, 'ignored')).toHaveLength(1);
    expect(lane.state.phase).toBe('looking-up');
  });
});

describe('people lane: timeouts', () => {
  it('lookup: no answer from the cache reads as STORE_UNAVAILABLE (refer + alarm)', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    expect(lane.state.timer?.dueAt).toBe(lane.at + CONFIG.timeouts.lookupMs);
    const e = lane.timeout();
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', alarm: true, reasons: ['STORE_UNAVAILABLE'] });
  });

  it('entering: the traveller never steps in -> denied (face missing), entry door closes after journaling', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    const e = lane.timeout();
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'deny', evidence: { missing: ['face'] } });
    expect(of(e, 'journal')[0]?.record.reasons).toEqual(['FACE_MISSING']);
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'close', purpose: 'close-after' }]);
    expect(of(j, 'display')[0]).toMatchObject({ screen: 'denied', reason: 'face-not-seen' });
  });

  it('capture: no face in time -> denied and sent back', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const e = lane.timeout();
    expect(of(e, 'journal')[0]?.record.outcome).toBe('deny');
    const j = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    expect(of(j, 'actuate')[0]).toMatchObject({ target: 'entry-door', action: 'open', purpose: 'send-back' });
    const t = lane.timeout(); // never leaves: the door is closed (the interlocks wait for the beam)
    expect(of(t, 'actuate')[0]).toMatchObject({ target: 'entry-door', action: 'close' });
    expect(lane.state.phase).toBe('idle');
  });

  it('recognition: no answer in time -> decided without the 1:1 score', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    const e = lane.timeout();
    expect(of(e, 'journal')[0]?.record.reasons).toEqual(['FACE_NOT_COMPARED']);
  });

  it('exit: the traveller lingers -> exit door asked to close, passage over', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.9 }) });
    lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    const t = lane.timeout();
    expect(of(t, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'close', purpose: 'close-after' }]);
    expect(lane.state.phase).toBe('idle');
  });

  it('held: no officer comes -> alarm, the traveller is let back out through the entry', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
    lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.3 }) });
    lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
    const t = lane.timeout();
    expect(of(t, 'alarm')[0]).toMatchObject({ kind: 'officer-not-attended' });
    expect(of(t, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'entry-door', action: 'open', purpose: 'send-back' }]);
  });

  it('a stale timer (an earlier step) is ignored', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    const old = lane.state.timer!;
    lane.send({ type: 'facts', passage: 'p1', facts: facts() });
    const e = lane.send({ type: 'timer', name: old.name, at: old.dueAt });
    expect(of(e, 'ignored')[0]?.reason).toMatch(/stale/);
    expect(lane.state.phase).toBe('entering');
  });
});

describe('people lane: emergency and faults', () => {
  it('an emergency suspends the lane, ignores passages, and resumes only after clear + local reset', () => {
    const lane = new PeopleLane();
    lane.toCapture();
    const e = lane.send({ type: 'emergency', active: true });
    expect(of(e, 'alarm')[0]).toMatchObject({ kind: 'emergency' });
    expect(of(e, 'journal')[0]?.record).toMatchObject({ outcome: 'refer', evidence: { abandoned: 'emergency' } });
    expect(of(e, 'display')[0]?.screen).toBe('emergency-exit');
    expect(of(e, 'actuate')).toEqual([]); // the interlocks own the doors now
    expect(of(lane.send({ type: 'credential-presented', credential: CREDENTIAL }), 'ignored')).toHaveLength(1);
    lane.send({ type: 'reset', source: 'local' }); // still active: stays suspended
    expect(lane.state.phase).toBe('suspended');
    lane.send({ type: 'emergency', active: false });
    expect(lane.state.phase).toBe('suspended'); // latched until a person resets
    lane.send({ type: 'reset', source: 'mqtt' });
    expect(lane.state.phase).toBe('suspended');
    const r = lane.send({ type: 'reset', source: 'local' });
    expect(lane.state.phase).toBe('idle');
    expect(of(r, 'display')[0]?.screen).toBe('scan-credential');
    expect(of(lane.send({ type: 'credential-presented', credential: CREDENTIAL }), 'lookup-credential')[0]?.passage).toBe('p2');
  });

  it('a device fault closes the lane until the device recovers', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'device-fault', device: 'exit-door', reason: 'plc heartbeat lost' });
    expect(lane.state.phase).toBe('suspended');
    lane.send({ type: 'device-ok', device: 'exit-door' });
    expect(lane.state.phase).toBe('idle');
  });
});

describe('people lane: bad input', () => {
  it('events without a usable time or type are refused with a reason, never a crash', () => {
    const state = initialPeopleState();
    for (const bad of [null, 42, {}, { type: 'timer' }, { type: 'timer', at: Number.NaN }, { at: 5 }]) {
      const step = stepPeople(CONFIG, state, bad as unknown as PeopleFlowEvent);
      expect(step.state).toBe(state);
      expect(step.effects[0]).toMatchObject({ type: 'ignored' });
    }
  });

  it('an unreadable code asks to try again without starting a passage', () => {
    const lane = new PeopleLane();
    const e = lane.send({ type: 'credential-presented', credential: null, problem: 'unreadable' });
    expect(e).toEqual([{ type: 'display', screen: 'try-again', reason: 'code-unreadable' }]);
    expect(lane.state.passage).toBeNull();
  });

  it('an event whose content throws suspends the lane (fail secure) instead of throwing', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    const hostile = facts();
    Object.defineProperty(hostile, 'storeHealthy', { get: () => { throw new Error('boom'); }, enumerable: true });
    const e = lane.send({ type: 'facts', passage: 'p1', facts: hostile });
    expect(e.some((x) => x.type === 'alarm' && x.kind === 'internal-error') || e.some((x) => x.type === 'journal')).toBe(true);
    expect(e.some((x) => x.type === 'actuate')).toBe(false);
  });
});
