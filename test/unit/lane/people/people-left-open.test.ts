/**
 * A passage that ends without closing behind it (abandoned by a fault, an emergency, free pass, a
 * timeout) must not leave a mantrap door open on an idle lane: the flow closes it (`secure`) when the
 * lane is idle and in service again, never while it is suspended (the interlocks own the doors then).
 */
import { describe, expect, it } from 'vitest';
import { CREDENTIAL, PeopleLane, face, facts, of } from './fixtures.js';

const secure = (target: 'entry-door' | 'exit-door', passage = 'p1') => ({ type: 'actuate', passage, target, action: 'close', purpose: 'secure' });

/** Granted, inside, sealed: the exit door is open and the traveller is leaving. */
function exiting(): PeopleLane {
  const lane = new PeopleLane();
  lane.toCapture();
  lane.send({ type: 'faces-captured', passage: 'p1', face: face() });
  lane.send({ type: 'face-recognised', passage: 'p1', face: face({ matchScore: 0.92 }) });
  const opened = lane.send({ type: 'journaled', passage: 'p1', passageId: 'j-1', seq: 1 });
  expect(of(opened, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'open', purpose: 'grant' }]);
  expect(lane.state.phase).toBe('exiting');
  return lane;
}

describe('people lane: nothing left open on an idle lane', () => {
  it('a reader fault while a granted traveller leaves: the exit stays as it is during the fault, closes on resume', () => {
    const lane = exiting();
    const fault = lane.send({ type: 'device-fault', device: 'qr-1', reason: 'unplugged' });
    expect(lane.state.phase).toBe('suspended');
    expect(of(fault, 'actuate')).toEqual([]); // faulted: the interlocks hold the fail state, the flow moves nothing
    const ok = lane.send({ type: 'device-ok', device: 'qr-1' });
    expect(lane.state.phase).toBe('idle');
    expect(of(ok, 'actuate')).toEqual([secure('exit-door')]);
    expect(lane.state.opened).toEqual({});
    // Once closed it is not closed again by the next resume.
    lane.send({ type: 'device-fault', device: 'qr-1', reason: 'unplugged' });
    expect(of(lane.send({ type: 'device-ok', device: 'qr-1' }), 'actuate')).toEqual([]);
  });

  it('an emergency: doors stay with the interlocks until a person resets, then the flow closes the exit', () => {
    const lane = exiting();
    expect(of(lane.send({ type: 'emergency', active: true }), 'actuate')).toEqual([]);
    expect(of(lane.send({ type: 'emergency', active: false }), 'actuate')).toEqual([]); // cleared but not reset
    expect(of(lane.send({ type: 'reset', source: 'mqtt' }), 'actuate')).toEqual([]); // nobody on site: no reset
    expect(lane.state.phase).toBe('suspended');
    expect(of(lane.send({ type: 'reset', source: 'local' }), 'actuate')).toEqual([secure('exit-door')]);
    expect(lane.state.phase).toBe('idle');
  });

  it('free pass during an admit: the entry door is closed when free pass ends', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() }); // entry door opened for admit
    const on = lane.send({ type: 'free-pass', active: true });
    expect(of(on, 'journal')[0]?.record.evidence).toMatchObject({ abandoned: 'free-pass' });
    expect(of(on, 'actuate')).toEqual([]);
    expect(of(lane.send({ type: 'free-pass', active: false }), 'actuate')).toEqual([secure('entry-door')]);
  });

  it('a journal failure nobody attends: the entry door opened for admit is closed after the reset on site', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'credential-presented', credential: CREDENTIAL });
    lane.send({ type: 'facts', passage: 'p1', facts: facts() }); // entry open, nobody steps in
    lane.timeout(); // entering timed out: decided without a face
    expect(lane.state.phase).toBe('journaling');
    expect(of(lane.send({ type: 'journal-failed', passage: 'p1', error: 'disk full' }), 'actuate')).toEqual([]);
    expect(lane.state.phase).toBe('held');
    expect(of(lane.timeout(), 'actuate')).toEqual([]); // not durable: suspended, nothing moves
    expect(lane.state.phase).toBe('suspended');
    const reset = lane.send({ type: 'reset', source: 'local' });
    expect(lane.state.phase).toBe('idle');
    expect(of(reset, 'actuate')).toEqual([secure('entry-door')]);
  });

  it('a door found open at start-up is closed at once when the lane is idle', () => {
    const lane = new PeopleLane();
    expect(of(lane.send({ type: 'found-open', target: 'exit-door' }), 'actuate')).toEqual([secure('exit-door', 'none')]);
    expect(lane.state.opened).toEqual({});
  });

  it('found open while suspended: closed on resume, not before', () => {
    const lane = new PeopleLane();
    lane.send({ type: 'device-fault', device: 'exit-door', reason: 'link lost' });
    expect(of(lane.send({ type: 'found-open', target: 'exit-door' }), 'actuate')).toEqual([]);
    expect(of(lane.send({ type: 'device-ok', device: 'exit-door' }), 'actuate')).toEqual([secure('exit-door', 'none')]);
  });

  it('a target the lane does not have is ignored with a reason', () => {
    const lane = new PeopleLane();
    const e = lane.send({ type: 'found-open', target: 'barrier' });
    expect(of(e, 'actuate')).toEqual([]);
    expect(of(e, 'ignored')[0]?.reason).toMatch(/entry-door\|exit-door/);
  });

  it('a normal completion closes through its own close-after, with no second close', () => {
    const lane = exiting();
    lane.send({ type: 'exit-beam', clear: false });
    const out = lane.send({ type: 'exit-beam', clear: true });
    expect(of(out, 'actuate')).toEqual([{ type: 'actuate', passage: 'p1', target: 'exit-door', action: 'close', purpose: 'close-after' }]);
    expect(lane.state.opened).toEqual({});
  });
});
