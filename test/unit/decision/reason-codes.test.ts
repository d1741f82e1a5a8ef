/**
 * One hand-written case per reason code. CASES is typed Record<ReasonCode, Case>, so adding a code
 * to REASON_CODES without a case here fails the type check. Each case breaks one thing in an
 * otherwise granted passage and pins the outcome, the missing factors and the alarm flag.
 */
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../../src/decision/index.js';
import type { MissingFactor, Outcome, ReasonCode } from '../../../src/decision/index.js';
import { DAY, NOW, clockAt, run, traveller, truck, type Passage } from './builders.js';

interface Case {
  make: () => Passage;
  outcome: Outcome;
  alarm: boolean;
  missing?: MissingFactor[];
  /** Other reasons expected alongside the code under test (default: none). */
  with?: ReasonCode[];
  details?: string[];
}

const people = (edit: (p: Passage) => void) => () => {
  const p = traveller();
  edit(p);
  return p;
};
const vehicle = (edit: (p: Passage) => void) => () => {
  const p = truck();
  edit(p);
  return p;
};
/** Non-null access for builder parts that always exist. */
const must = <T>(v: T | null | undefined): T => {
  if (v === null || v === undefined) throw new Error('builder part missing');
  return v;
};

const CASES: Record<ReasonCode, Case> = {
  STORE_UNAVAILABLE: {
    make: people((p) => Object.assign(p.facts, { storeHealthy: false, storeProblem: 'disk-full' })),
    outcome: 'refer',
    alarm: true,
    details: ['store:disk-full'],
  },
  FACTS_INVALID: {
    make: people((p) => (p.facts.listAgesMs = { ...p.facts.listAgesMs, credentials: Number.NaN })),
    outcome: 'refer',
    alarm: true,
    details: ['facts.listAgesMs.credentials'],
  },
  POLICY_INVALID: {
    make: people((p) => (p.policy.faceMatchThreshold = 1.5)),
    outcome: 'refer',
    alarm: true,
    details: ['policy.faceMatchThreshold'],
  },
  CLOCK_INVALID: { make: people((p) => (p.clock = clockAt(Number.NaN))), outcome: 'refer', alarm: true },
  EVIDENCE_OUT_OF_RANGE: {
    make: people((p) => (must(p.evidence.face).matchScore = -0.1)),
    outcome: 'refer',
    alarm: false,
    details: ['face.matchScore'],
  },
  EVIDENCE_CONTRADICTORY: {
    make: people((p) => (p.evidence.vehicle = { plate: { text: '29A12345', country: 'VN', confidence: 0.9 } })),
    outcome: 'refer',
    alarm: false,
    details: ['vehicle'],
  },
  OVERRIDE_INVALID: {
    make: people((p) => (p.evidence.override = { officerId: '', outcome: 'grant', reason: 'known traveller' })),
    outcome: 'refer',
    alarm: false,
  },
  INTERNAL_ERROR: {
    make: people((p) => {
      Object.defineProperty(p.evidence, 'face', {
        get() {
          throw new Error('camera driver handed over a broken object');
        },
      });
    }),
    outcome: 'refer',
    alarm: true,
  },
  CACHE_STALE: {
    make: people((p) => (p.facts.listAgesMs = { ...p.facts.listAgesMs, watchlist: 16 * 60_000 })),
    outcome: 'refer',
    alarm: false,
    details: ['list:watchlist'],
  },
  WATCHLIST_DENY: {
    make: people((p) => (p.facts.watchlistHits = [{ kind: 'document', action: 'deny', listId: 'sltd', score: null }])),
    outcome: 'deny',
    alarm: true,
  },
  WATCHLIST_REFER: {
    make: people((p) => (p.facts.watchlistHits = [{ kind: 'person', action: 'refer', listId: 'customs', score: null }])),
    outcome: 'refer',
    alarm: false,
  },
  WATCHLIST_ALERT: {
    make: people((p) => (p.facts.watchlistHits = [{ kind: 'face', action: 'alert', listId: 'missing-persons', score: 0.9 }])),
    outcome: 'grant',
    alarm: true,
  },
  TAILGATING: { make: people((p) => (must(p.evidence.occupancy).personCount = 2)), outcome: 'alarm', alarm: true },
  PRESENTATION_ATTACK_SUSPECTED: {
    make: people((p) => Object.assign(must(p.evidence.face), { presentationAttackScore: 0.93, presentationAttackReasons: ['screen'] })),
    outcome: 'alarm',
    alarm: true,
  },
  WRONG_WAY: { make: people((p) => (p.evidence.observedDirection = 'exit')), outcome: 'alarm', alarm: true },
  CREDENTIAL_MISSING: {
    make: people((p) => delete p.evidence.credential),
    outcome: 'deny',
    alarm: false,
    missing: ['credential'],
  },
  DRIVER_CREDENTIAL_MISSING: {
    make: vehicle((p) => (p.policy.requireCredential = true)),
    outcome: 'refer',
    alarm: false,
    missing: ['driver-credential'],
  },
  CREDENTIAL_KIND_NOT_ALLOWED: {
    make: people((p) => (p.policy.allowedCredentialKinds = ['travel-document'])),
    outcome: 'deny',
    alarm: false,
  },
  CREDENTIAL_ISSUER_NOT_ALLOWED: {
    make: people((p) => {
      Object.assign(must(p.evidence.credential), { kind: 'travel-document', issuingState: 'CHN' });
      p.policy.allowedIssuingStates = ['VNM'];
    }),
    outcome: 'deny',
    alarm: false,
  },
  CREDENTIAL_INVALID: {
    make: people((p) => (must(p.evidence.credential).verification = { valid: false, reason: 'bad-signature' })),
    outcome: 'deny',
    alarm: false,
    details: ['credential.verification:bad-signature'],
  },
  CREDENTIAL_NOT_FOUND: {
    make: people((p) => Object.assign(p.facts, { credential: null, subject: null })),
    outcome: 'deny',
    alarm: false,
  },
  CREDENTIAL_REVOKED: { make: people((p) => (must(p.facts.credential).status = 'revoked')), outcome: 'deny', alarm: false },
  CREDENTIAL_ALREADY_USED: { make: people((p) => (must(p.facts.credential).status = 'used')), outcome: 'deny', alarm: false },
  CREDENTIAL_NOT_YET_VALID: {
    make: people((p) => (must(p.facts.credential).validFrom = NOW + 1)),
    outcome: 'deny',
    alarm: false,
  },
  CREDENTIAL_EXPIRED: {
    // validUntil is exclusive: a credential expiring exactly now is expired.
    make: people((p) => (must(p.evidence.credential).validUntil = NOW)),
    outcome: 'deny',
    alarm: false,
  },
  SUBJECT_NOT_FOUND: { make: people((p) => (p.facts.subject = null)), outcome: 'refer', alarm: false },
  SUBJECT_NOT_YET_VALID: { make: people((p) => (must(p.facts.subject).validFrom = NOW + DAY)), outcome: 'deny', alarm: false },
  SUBJECT_EXPIRED: { make: people((p) => (must(p.facts.subject).validUntil = NOW - 1)), outcome: 'deny', alarm: false },
  CATEGORY_NOT_ALLOWED: { make: people((p) => (p.policy.allowedCategories = ['crew'])), outcome: 'deny', alarm: false },
  DIRECTION_NOT_ALLOWED: {
    make: people((p) => (must(p.facts.subject).allowedDirections = ['exit'])),
    outcome: 'deny',
    alarm: false,
  },
  FACE_MISSING: { make: people((p) => (p.evidence.face = null)), outcome: 'deny', alarm: false, missing: ['face'] },
  FACE_NOT_DETECTED: {
    make: people((p) => Object.assign(must(p.evidence.face), { faceCount: 0, matchScore: null })),
    outcome: 'deny',
    alarm: false,
    missing: ['face'],
  },
  FACE_QUALITY_LOW: { make: people((p) => (must(p.evidence.face).quality = 0.2)), outcome: 'deny', alarm: false, missing: ['face'] },
  FACE_NOT_COMPARED: {
    make: people((p) => (must(p.evidence.face).matchScore = null)),
    outcome: 'deny',
    alarm: false,
    missing: ['face'],
  },
  FACE_TEMPLATE_NOT_ENROLLED: {
    make: people((p) => (must(p.facts.subject).enrolledTemplateModelId = null)),
    outcome: 'refer',
    alarm: false,
  },
  FACE_MODEL_MISMATCH: { make: people((p) => (must(p.evidence.face).modelId = 'arcface-r100')), outcome: 'refer', alarm: false },
  FACE_BELOW_THRESHOLD: { make: people((p) => (must(p.evidence.face).matchScore = 0.41)), outcome: 'refer', alarm: false },
  PLATE_MISSING: {
    make: vehicle((p) => (must(p.evidence.vehicle).plate = null)),
    outcome: 'refer',
    alarm: false,
    missing: ['plate'],
  },
  RFID_MISSING: { make: vehicle((p) => delete must(p.evidence.vehicle).rfid), outcome: 'refer', alarm: false, missing: ['rfid'] },
  PLATE_LOW_CONFIDENCE: {
    make: vehicle((p) => (must(must(p.evidence.vehicle).plate).confidence = 0.5)),
    outcome: 'refer',
    alarm: false,
    missing: ['plate'],
  },
  PLATE_MATCH_UNCERTAIN: {
    make: vehicle((p) => (must(p.facts.vehicleByPlate).matchDistance = 2)),
    outcome: 'refer',
    alarm: false,
  },
  VEHICLE_NOT_FOUND: {
    make: vehicle((p) => Object.assign(p.facts, { vehicleByPlate: null, vehicleByEpc: null, cargo: null })),
    outcome: 'refer',
    alarm: false,
  },
  RFID_NOT_REGISTERED: {
    make: vehicle((p) => {
      p.policy.requirePlate = false;
      delete must(p.evidence.vehicle).plate;
      Object.assign(p.facts, { vehicleByPlate: null, vehicleByEpc: null });
    }),
    outcome: 'refer',
    alarm: false,
  },
  PLATE_RFID_MISMATCH: {
    make: vehicle((p) => (must(p.facts.vehicleByEpc).vehicleId = 'veh-9')),
    outcome: 'refer',
    alarm: false,
  },
  VEHICLE_NOT_YET_VALID: {
    make: vehicle((p) => {
      must(p.facts.vehicleByPlate).validFrom = NOW + DAY;
      must(p.facts.vehicleByEpc).validFrom = NOW + DAY;
    }),
    outcome: 'deny',
    alarm: false,
  },
  VEHICLE_EXPIRED: {
    make: vehicle((p) => {
      must(p.facts.vehicleByPlate).validUntil = NOW;
      must(p.facts.vehicleByEpc).validUntil = NOW;
    }),
    outcome: 'deny',
    alarm: false,
  },
  CARGO_CLEARANCE_NOT_FOUND: { make: vehicle((p) => (p.facts.cargo = null)), outcome: 'refer', alarm: false },
  CARGO_ON_HOLD: { make: vehicle((p) => (must(p.facts.cargo).status = 'hold')), outcome: 'refer', alarm: false },
  CARGO_INSPECTION_REQUIRED: { make: vehicle((p) => (must(p.facts.cargo).status = 'inspection')), outcome: 'refer', alarm: false },
  CARGO_CLEARANCE_NOT_YET_VALID: {
    make: vehicle((p) => (must(p.facts.cargo).validFrom = NOW + 1)),
    outcome: 'refer',
    alarm: false,
  },
  CARGO_CLEARANCE_EXPIRED: {
    make: vehicle((p) => Object.assign(must(p.facts.cargo), { validFrom: NOW - 2 * DAY, validUntil: NOW - 1 })),
    outcome: 'refer',
    alarm: false,
  },
  LAB_TEST_PENDING: {
    // fresh-produce is a lab-test class in the default vehicle policy.
    make: vehicle((p) => Object.assign(must(p.facts.cargo), { cargoClass: 'fresh-produce', labTestStatus: 'pending' })),
    outcome: 'refer',
    alarm: false,
  },
  LAB_TEST_FAILED: {
    make: vehicle((p) => Object.assign(must(p.facts.cargo), { labTestRequired: true, labTestStatus: 'failed' })),
    outcome: 'deny',
    alarm: false,
  },
  OFFICER_OVERRIDE: {
    make: people((p) => {
      must(p.evidence.face).matchScore = 0.41;
      p.evidence.override = { officerId: 'officer-042', outcome: 'grant', reason: 'checked against passport photo' };
    }),
    outcome: 'grant',
    alarm: false,
    with: ['FACE_BELOW_THRESHOLD'],
  },
};

describe('baseline passages', () => {
  it('grants the unmodified traveller and truck with no reasons', () => {
    for (const p of [traveller(), truck()]) {
      expect(run(p)).toEqual({ outcome: 'grant', reasons: [], missing: [], alarm: false, details: [], decidedAt: NOW });
    }
  });
});

describe('every reason code has a hand-written case', () => {
  it('covers exactly the exported codes', () => {
    expect(Object.keys(CASES).sort()).toEqual([...REASON_CODES].sort());
  });

  for (const code of REASON_CODES) {
    const c = CASES[code];
    it(`${code} -> ${c.outcome}${c.alarm ? ' + alarm' : ''}`, () => {
      const v = run(c.make());
      expect(v.reasons.slice().sort()).toEqual([code, ...(c.with ?? [])].sort());
      expect(v.outcome).toBe(c.outcome);
      expect(v.alarm).toBe(c.alarm);
      expect(v.missing).toEqual(c.missing ?? []);
      for (const d of c.details ?? []) expect(v.details).toContain(d);
      if (code === 'OFFICER_OVERRIDE') expect(v.officerId).toBe('officer-042');
      else expect(v.officerId).toBeUndefined();
    });
  }
});

