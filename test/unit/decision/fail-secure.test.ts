/**
 * Inputs the types forbid but runtime can still produce (rows from SQLite, JSON from a parser,
 * a broken clock). Each must produce a verdict with a specific reason, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/decision/index.js';
import type { DecisionClock, Evidence, Facts, Policy } from '../../../src/decision/index.js';
import { clockAt, run, traveller, truck } from './builders.js';

/** Lets a test hand the engine a deliberately ill-typed value. */
const raw = <T>(v: unknown): T => v as T;

describe('store failures put the lane in a fail-secure state', () => {
  for (const problem of ['disk-full', 'read-only', 'corrupt'] as const) {
    it(`${problem}: refer + alarm, no cached fact evaluated`, () => {
      const p = traveller();
      p.facts.storeHealthy = false;
      p.facts.storeProblem = problem;
      p.facts.credential = null; // would be CREDENTIAL_NOT_FOUND if the facts were evaluated
      expect(run(p)).toEqual({
        outcome: 'refer',
        reasons: ['STORE_UNAVAILABLE'],
        missing: [],
        alarm: true,
        details: [`store:${problem}`],
        decidedAt: p.clock.now(),
      });
    });
  }

  it('still raises evidence-only alarms while the store is down', () => {
    const p = truck();
    p.facts.storeHealthy = false;
    p.evidence.observedDirection = 'exit';
    expect(run(p)).toMatchObject({ outcome: 'alarm', reasons: ['STORE_UNAVAILABLE', 'WRONG_WAY'] });
  });

  it('treats a missing storeHealthy flag as invalid facts, not as healthy', () => {
    const p = traveller();
    delete (p.facts as Partial<Facts>).storeHealthy;
    expect(run(p)).toMatchObject({ outcome: 'refer', alarm: true, reasons: ['FACTS_INVALID'], details: ['facts.storeHealthy'] });
  });

  it('refuses facts whose subject is not the credential holder', () => {
    const p = traveller();
    if (p.facts.subject) p.facts.subject.subjectId = 'subj-2';
    expect(run(p)).toMatchObject({ reasons: ['FACTS_INVALID'], details: ['facts.subject.subjectId'] });
  });
});

describe('malformed top-level inputs', () => {
  const p = traveller();
  const cases: Array<[string, () => unknown, string]> = [
    ['evidence null', () => decide(raw<Evidence>(null), p.facts, p.policy, p.clock), 'EVIDENCE_OUT_OF_RANGE'],
    ['evidence a string', () => decide(raw<Evidence>('{}'), p.facts, p.policy, p.clock), 'EVIDENCE_OUT_OF_RANGE'],
    ['facts undefined', () => decide(p.evidence, raw<Facts>(undefined), p.policy, p.clock), 'FACTS_INVALID'],
    ['facts an array', () => decide(p.evidence, raw<Facts>([]), p.policy, p.clock), 'FACTS_INVALID'],
    ['policy empty', () => decide(p.evidence, p.facts, raw<Policy>({}), p.clock), 'POLICY_INVALID'],
    ['policy null', () => decide(p.evidence, p.facts, raw<Policy>(null), p.clock), 'POLICY_INVALID'],
    ['clock throws', () => decide(p.evidence, p.facts, p.policy, { now: () => { throw new Error('rtc'); } }), 'CLOCK_INVALID'],
    ['clock negative', () => decide(p.evidence, p.facts, p.policy, clockAt(-1)), 'CLOCK_INVALID'],
    ['clock Infinity', () => decide(p.evidence, p.facts, p.policy, clockAt(Number.POSITIVE_INFINITY)), 'CLOCK_INVALID'],
    ['clock missing', () => decide(p.evidence, p.facts, p.policy, raw<DecisionClock>(null)), 'CLOCK_INVALID'],
  ];
  for (const [name, call, code] of cases) {
    it(`${name} -> ${code}, refer`, () => {
      const v = call() as ReturnType<typeof decide>;
      expect(v.reasons).toContain(code);
      expect(v.outcome).toBe('refer');
    });
  }
});

describe('values out of range get a field path', () => {
  const cases: Array<[string, (e: Evidence) => void, string]> = [
    ['Infinity quality', (e) => Object.assign(e.face ?? {}, { quality: Number.POSITIVE_INFINITY }), 'face.quality'],
    ['fractional face count', (e) => Object.assign(e.face ?? {}, { faceCount: 1.5 }), 'face.faceCount'],
    ['PAD score as string', (e) => Object.assign(e.face ?? {}, { presentationAttackScore: '0.1' }), 'face.presentationAttackScore'],
    ['raw document number instead of a hash', (e) => Object.assign(e.credential ?? {}, { idHash: 'C1234567' }), 'credential.idHash'],
    ['unknown credential kind', (e) => Object.assign(e.credential ?? {}, { kind: 'library-card' }), 'credential.kind'],
    ['NaN validity', (e) => Object.assign(e.credential ?? {}, { validUntil: Number.NaN }), 'credential.validUntil'],
    ['negative person count', (e) => Object.assign(e.occupancy ?? {}, { personCount: -1 }), 'occupancy.personCount'],
    ['unknown direction', (e) => (e.observedDirection = raw('sideways')), 'observedDirection'],
  ];
  for (const [name, edit, path] of cases) {
    it(name, () => {
      const p = traveller();
      edit(p.evidence);
      expect(run(p)).toMatchObject({ outcome: 'refer', reasons: ['EVIDENCE_OUT_OF_RANGE'], details: [path] });
    });
  }

  it('flags a credential valid from after it is valid until as contradictory', () => {
    const p = traveller();
    const c = p.evidence.credential;
    if (c) [c.validFrom, c.validUntil] = [c.validUntil, c.validFrom];
    expect(run(p)).toMatchObject({ reasons: ['EVIDENCE_CONTRADICTORY'], details: ['credential.validity'] });
  });

  it('flags a match score reported for a frame without faces as contradictory', () => {
    const p = traveller();
    if (p.evidence.face) p.evidence.face.faceCount = 0;
    expect(run(p)).toMatchObject({ reasons: ['EVIDENCE_CONTRADICTORY'], details: ['face.faceCount'] });
  });

  it('rejects a policy whose people lane identifies nobody', () => {
    const p = traveller({ requireCredential: false, requireFace: false });
    expect(run(p)).toMatchObject({ outcome: 'refer', reasons: ['POLICY_INVALID'], details: ['policy.requireCredential'] });
  });

  it('rejects an override with an unknown outcome and does not apply it', () => {
    const p = traveller();
    p.evidence.override = raw({ officerId: 'officer-1', outcome: 'open', reason: 'x' });
    expect(run(p)).toMatchObject({ outcome: 'refer', reasons: ['OVERRIDE_INVALID'], details: ['override.outcome'] });
    expect(run(p).officerId).toBeUndefined();
  });
});
