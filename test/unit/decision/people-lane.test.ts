import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/decision/index.js';
import type { Evidence, Facts } from '../../../src/decision/index.js';
import { DAY, ID_HASH, NOW, run, traveller, type Passage } from './builders.js';

const must = <T>(v: T | null | undefined): T => {
  if (v === null || v === undefined) throw new Error('builder part missing');
  return v;
};
const face = (p: Passage) => must(p.evidence.face);

describe('people lane: thresholds and windows', () => {
  it('passes a face score exactly at the threshold and refers one just below it', () => {
    const at = traveller();
    face(at).matchScore = at.policy.faceMatchThreshold;
    expect(run(at).outcome).toBe('grant');
    const below = traveller();
    face(below).matchScore = below.policy.faceMatchThreshold - 1e-9;
    expect(run(below).reasons).toEqual(['FACE_BELOW_THRESHOLD']);
  });

  it('raises the presentation-attack alarm at exactly the threshold', () => {
    const p = traveller();
    face(p).presentationAttackScore = p.policy.presentationAttackThreshold;
    expect(run(p)).toMatchObject({ outcome: 'alarm', alarm: true, reasons: ['PRESENTATION_ATTACK_SUSPECTED'] });
  });

  it('treats validFrom as inclusive and validUntil as exclusive', () => {
    const p = traveller();
    must(p.facts.credential).validFrom = NOW;
    must(p.facts.credential).validUntil = NOW + 1;
    expect(run(p).outcome).toBe('grant');
    must(p.facts.credential).validUntil = NOW;
    must(p.facts.credential).validFrom = NOW - 1;
    expect(run(p).reasons).toEqual(['CREDENTIAL_EXPIRED']);
  });

  it('ignores the issuer restriction for QR tokens but applies it to travel documents without a state', () => {
    const qr = traveller({ allowedIssuingStates: ['CHN'] });
    expect(run(qr).outcome).toBe('grant');
    const doc = traveller({ allowedIssuingStates: ['VNM'] });
    Object.assign(must(doc.evidence.credential), { kind: 'travel-document', issuingState: null });
    expect(run(doc).reasons).toEqual(['CREDENTIAL_ISSUER_NOT_ALLOWED']);
  });
});

describe('people lane: missing factors make a provisional verdict', () => {
  it('asks for both credential and face when nothing was presented yet, and never grants', () => {
    const p = traveller();
    p.evidence = {};
    Object.assign(p.facts, { credential: null, subject: null });
    expect(run(p)).toMatchObject({ outcome: 'deny', missing: ['credential', 'face'], reasons: ['CREDENTIAL_MISSING', 'FACE_MISSING'] });
  });

  it('uses the policy outcome for provisional verdicts', () => {
    const p = traveller({ onMissingFactor: 'refer' });
    p.evidence.face = null;
    expect(run(p)).toMatchObject({ outcome: 'refer', missing: ['face'] });
  });

  it('drops the request for a face once the credential is revoked: the verdict is final', () => {
    const p = traveller();
    p.evidence.face = null;
    must(p.facts.credential).status = 'revoked';
    expect(run(p)).toMatchObject({ outcome: 'deny', missing: [], reasons: ['CREDENTIAL_REVOKED', 'FACE_MISSING'] });
  });

  it('on a face-only lane identifies through facts.subject and asks for a face first', () => {
    const p = traveller({ requireCredential: false });
    delete p.evidence.credential;
    p.facts.credential = null;
    expect(run(p).outcome).toBe('grant');
    p.facts.subject = null;
    expect(run(p).reasons).toEqual(['SUBJECT_NOT_FOUND']);
    p.evidence.face = null;
    expect(run(p)).toMatchObject({ outcome: 'deny', missing: ['face'], reasons: ['FACE_MISSING'] });
  });

  it('does not evaluate the 1:1 score where the policy does not require a face, but still checks for spoofs', () => {
    const p = traveller({ requireFace: false });
    face(p).matchScore = 0.1;
    expect(run(p).outcome).toBe('grant');
    face(p).presentationAttackScore = 0.99;
    expect(run(p).outcome).toBe('alarm');
  });
});

describe('people lane: precedence', () => {
  it('a watchlist deny beats a stale cache, and tailgating beats the watchlist deny', () => {
    const p = traveller();
    p.facts.watchlistHits = [{ kind: 'document', action: 'deny', listId: 'sltd', score: null }];
    p.facts.listAgesMs = { ...p.facts.listAgesMs, credentials: Number.POSITIVE_INFINITY };
    expect(run(p)).toMatchObject({ outcome: 'deny', alarm: true, reasons: ['CACHE_STALE', 'WATCHLIST_DENY'] });
    face(p).faceCount = 2;
    expect(run(p)).toMatchObject({ outcome: 'alarm', reasons: ['CACHE_STALE', 'WATCHLIST_DENY', 'TAILGATING'] });
  });

  it('reports a list that was never received as stale', () => {
    const p = traveller();
    p.facts.listAgesMs = { credentials: 1, subjects: 1 };
    expect(run(p)).toMatchObject({ outcome: 'refer', reasons: ['CACHE_STALE'], details: ['list:watchlist'] });
  });

  it('ignores 1:N face candidates below the watchlist threshold and counts those at it', () => {
    const p = traveller();
    p.facts.watchlistHits = [{ kind: 'face', action: 'deny', listId: 'wanted', score: p.policy.watchlistFaceThreshold - 0.01 }];
    expect(run(p).outcome).toBe('grant');
    p.facts.watchlistHits = [{ kind: 'face', action: 'deny', listId: 'wanted', score: p.policy.watchlistFaceThreshold }];
    expect(run(p).outcome).toBe('deny');
  });

  it('still reports a watchlist deny when a face score is out of range', () => {
    const p = traveller();
    face(p).matchScore = Number.NaN;
    p.facts.watchlistHits = [{ kind: 'person', action: 'deny', listId: 'wanted', score: null }];
    expect(run(p)).toMatchObject({ outcome: 'deny', reasons: ['EVIDENCE_OUT_OF_RANGE', 'WATCHLIST_DENY'] });
  });
});

describe('people lane: officer override', () => {
  it('lets an officer deny a passage the engine would grant', () => {
    const p = traveller();
    p.evidence.override = { officerId: 'officer-7', outcome: 'deny', reason: 'behaviour' };
    expect(run(p)).toMatchObject({ outcome: 'deny', reasons: ['OFFICER_OVERRIDE'], officerId: 'officer-7', missing: [] });
  });

  it('lets an officer grant over a watchlist deny but keeps the watchlist reason and the alarm', () => {
    const p = traveller();
    p.facts.watchlistHits = [{ kind: 'person', action: 'deny', listId: 'wanted', score: null }];
    p.evidence.override = { officerId: 'officer-7', outcome: 'grant', reason: 'false match, documents checked' };
    expect(run(p)).toMatchObject({
      outcome: 'grant',
      reasons: ['WATCHLIST_DENY', 'OFFICER_OVERRIDE'],
      alarm: true,
      officerId: 'officer-7',
    });
  });

  it('clears the missing list when an officer decides', () => {
    const p = traveller();
    p.evidence.face = null;
    p.evidence.override = { officerId: 'officer-7', outcome: 'grant', reason: 'face camera out of order' };
    expect(run(p)).toMatchObject({ outcome: 'grant', missing: [], reasons: ['FACE_MISSING', 'OFFICER_OVERRIDE'] });
  });
});

describe('people lane: purity and privacy', () => {
  const deepFreeze = <T>(o: T): T => {
    if (typeof o === 'object' && o !== null) {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  };

  it('does not modify its inputs and answers the same twice', () => {
    const p = traveller();
    const evidence: Evidence = deepFreeze(structuredClone(p.evidence));
    const facts: Facts = deepFreeze(structuredClone(p.facts));
    const policy = deepFreeze(structuredClone(p.policy));
    const a = decide(evidence, facts, policy, p.clock);
    expect(decide(evidence, facts, policy, p.clock)).toEqual(a);
    expect(evidence).toEqual(p.evidence);
  });

  it('keeps identifiers, subject ids and verifier free text out of the verdict', () => {
    const p = traveller();
    must(p.evidence.credential).verification = { valid: false, reason: 'doc 123456789 of NGUYEN VAN A' };
    must(p.facts.credential).validUntil = NOW - 1;
    must(p.facts.credential).validFrom = NOW - DAY;
    const text = JSON.stringify(run(p));
    for (const secret of [ID_HASH, 'subj-1', '123456789', 'NGUYEN']) expect(text).not.toContain(secret);
    expect(run(p).details).toContain('credential.verification');
  });
});
