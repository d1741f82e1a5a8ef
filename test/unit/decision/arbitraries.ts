/**
 * fast-check generators for the property test. Each field is usually plausible and sometimes
 * hostile (NaN, Infinity, negative, wrong type, missing, contradictory), with weights chosen so
 * that a good share of runs still reaches a grant: a property "never grants when X" proves
 * little if the engine never grants at all (the test checks the outcome mix).
 */
import fc from 'fast-check';
import { CREDENTIAL_KINDS } from '../../../src/decision/index.js';
import { DAY, NOW } from './builders.js';

export type Loose = Record<string, unknown>;
export interface GeneratedCase {
  evidence: Loose;
  facts: Loose;
  policy: Loose;
  clockValue: number | 'throws';
}

export const LIST_NAMES = ['credentials', 'subjects', 'watchlist', 'vehicles', 'cargo'] as const;

/** good most of the time, bad now and then. */
const usually = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>, goodWeight = 150): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: good, weight: goodWeight }, { arbitrary: bad, weight: 1 });

const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -1e-9, 1 + 1e-9, 2, -0, Number.MAX_VALUE),
  fc.double(),
  fc.constantFrom('0.5', null, undefined, true, {}),
);
const score = (min = 0, max = 1) => usually(fc.double({ min, max, noNaN: true }), hostileNumber);
const count = (typical: fc.Arbitrary<number>) => usually(typical, hostileNumber);

const past = fc.integer({ min: NOW - 400 * DAY, max: NOW - 1 });
const future = fc.integer({ min: NOW + 1, max: NOW + 400 * DAY });
const openOr = (a: fc.Arbitrary<number>) => fc.oneof({ arbitrary: fc.constant(null), weight: 1 }, { arbitrary: a, weight: 3 });
/** A validity window: mostly current, sometimes not yet valid, expired, inverted or hostile. */
const validity = fc.oneof(
  { arbitrary: fc.record({ validFrom: openOr(past), validUntil: openOr(future) }), weight: 150 },
  { arbitrary: fc.record({ validFrom: future, validUntil: fc.constant(null) }), weight: 1 },
  { arbitrary: fc.record({ validFrom: fc.constant(null), validUntil: past }), weight: 1 },
  { arbitrary: fc.record({ validFrom: future, validUntil: past }), weight: 1 },
  { arbitrary: fc.record({ validFrom: hostileNumber, validUntil: openOr(future) }), weight: 1 },
);
/** Adds a generated validity window to a generated record. */
const withValidity = <T extends object>(a: fc.Arbitrary<T>) => fc.tuple(a, validity).map(([o, w]) => ({ ...o, ...w }));
const directions = usually(fc.oneof({ arbitrary: fc.constant(['entry', 'exit']), weight: 40 }, fc.constant(['entry']), fc.constant(['exit']), fc.constant([])), fc.constantFrom(['up'], 'entry', null));
const someId = (ids: readonly string[]) => usually(fc.constantFrom(...ids), fc.constantFrom('', 7, null));
const hex = (bytes: number) => fc.constantFrom('ab'.repeat(bytes), '0f'.repeat(bytes), '9c'.repeat(bytes));
const models = ['faceres-v1', 'faceres-v2'] as const;

/** Drops keys whose generated value is undefined, to model absent optional parts. */
const compact = (o: Loose): Loose => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const credentialEvidence = withValidity(
  fc.record({
    kind: usually(fc.constantFrom(...CREDENTIAL_KINDS), fc.constantFrom('library-card', '', 3)),
    idHash: usually(hex(32), fc.constantFrom('', 'C1234567', 'ABCDEF0123456789', 'abc', null)),
    verification: usually(
      fc.oneof({ arbitrary: fc.constant({ valid: true }), weight: 12 }, fc.constantFrom({ valid: false, reason: 'bad-signature' }, { valid: false, reason: 'check-digit' })),
      fc.constantFrom({ valid: 'yes' }, null, { valid: false }),
    ),
    nationality: usually(fc.constantFrom('VNM', 'CHN', 'D<<', null), fc.constantFrom('vn', 'VIETNAM', 4)),
    issuingState: usually(fc.constantFrom('VNM', 'CHN', null), fc.constantFrom('xx', '')),
  }),
);

const faceEvidence = fc.record({
  matchScore: fc.oneof({ arbitrary: score(0.5, 1), weight: 10 }, { arbitrary: score(0, 0.5), weight: 2 }, fc.constant(null)),
  modelId: usually(fc.oneof({ arbitrary: fc.constant(models[0]), weight: 10 }, fc.constant(models[1])), fc.constantFrom('', null)),
  quality: fc.oneof({ arbitrary: score(0.5, 1), weight: 10 }, score(0, 0.5)),
  presentationAttackScore: fc.oneof({ arbitrary: score(0, 0.3), weight: 10 }, score(0.3, 1)),
  presentationAttackReasons: usually(fc.constantFrom([], ['screen'], ['print', 'moire']), fc.constantFrom(null, [1], 'screen')),
  faceCount: count(fc.oneof({ arbitrary: fc.constant(1), weight: 12 }, fc.constantFrom(0, 2, 3))),
});

const vehicleEvidence = fc.record(
  {
    plate: fc.option(
      fc.record({
        text: usually(fc.constantFrom('29C12345', '桂P·12345', '51F99999'), fc.constantFrom('', '29C 123', 5)),
        country: usually(fc.constantFrom('VN', 'CN'), fc.constantFrom('vn', 'VNM', '')),
        confidence: fc.oneof({ arbitrary: score(0.8, 1), weight: 10 }, score(0, 0.8)),
      }),
      { freq: 8, nil: null },
    ),
    rfid: fc.option(fc.record({ epc: usually(hex(12), fc.constantFrom('', 'XYZ', '3034257BF400')), tid: usually(fc.constantFrom(null, 'e2801160'), fc.constant('e28')) }), { freq: 8, nil: null }),
  },
  { requiredKeys: [] },
);

const occupancy = fc.record({
  personCount: usually(fc.oneof({ arbitrary: fc.constant(1), weight: 10 }, fc.constantFrom(null, 0, 2)), hostileNumber),
  vehicleCount: usually(fc.oneof({ arbitrary: fc.constant(1), weight: 10 }, fc.constantFrom(null, 0, 2)), hostileNumber),
});

const override = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 30 },
  { arbitrary: fc.record({ officerId: fc.constantFrom('officer-7', 'B-1023'), outcome: fc.constantFrom('grant', 'deny', 'refer', 'alarm'), reason: fc.constant('checked at the desk') }), weight: 2 },
  fc.constantFrom({ officerId: '', outcome: 'grant', reason: 'x' }, { officerId: 'o1', outcome: 'open', reason: 'x' }, { officerId: 'o1', outcome: 'grant', reason: '' }, 'grant', null),
);

function evidenceFor(lane: string): fc.Arbitrary<Loose> {
  const vehicleWeight = lane === 'vehicle' ? 30 : 1; // a vehicle part on a people lane is a contradiction
  return fc
    .record({
      credential: fc.oneof({ arbitrary: credentialEvidence, weight: lane === 'people' ? 40 : 10 }, { arbitrary: fc.constantFrom(undefined, null), weight: 6 }, { arbitrary: fc.constantFrom('qr', 12), weight: 1 }),
      face: fc.oneof({ arbitrary: faceEvidence, weight: lane === 'people' ? 40 : 10 }, { arbitrary: fc.constantFrom(undefined, null), weight: 6 }, { arbitrary: fc.constant(0.9), weight: 1 }),
      vehicle: fc.oneof({ arbitrary: vehicleEvidence, weight: vehicleWeight }, { arbitrary: fc.constantFrom(undefined, null), weight: 31 - vehicleWeight }),
      occupancy: fc.option(occupancy, { freq: 6, nil: undefined }),
      observedDirection: usually(fc.oneof({ arbitrary: fc.constantFrom(undefined, null, 'entry'), weight: 20 }, fc.constant('exit')), fc.constant('sideways')),
      override,
    })
    .map(compact);
}

const credentialFacts = withValidity(
  fc.record({
    status: usually(fc.oneof({ arbitrary: fc.constant('active'), weight: 12 }, fc.constantFrom('revoked', 'used')), fc.constantFrom('unknown', null)),
    subjectId: someId(['s1']),
  }),
);

const subjectFacts = withValidity(
  fc.record({
    subjectId: usually(fc.constant('s1'), fc.constant('s2'), 30),
    category: usually(fc.constantFrom('border-resident', 'visitor', 'crew'), fc.constant(null)),
    allowedDirections: directions,
    enrolledTemplateModelId: usually(fc.oneof({ arbitrary: fc.constant(models[0]), weight: 10 }, fc.constantFrom(models[1], null)), fc.constantFrom('', 3)),
  }),
);

const vehicleFacts = withValidity(
  fc.record({
    vehicleId: fc.oneof({ arbitrary: fc.constant('v1'), weight: 20 }, fc.constantFrom('v2', '')),
    allowedDirections: directions,
    matchDistance: usually(fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, fc.constantFrom(1, 2, 3)), hostileNumber),
  }),
);

const cargoFacts = withValidity(
  fc.record({
    status: usually(fc.oneof({ arbitrary: fc.constant('cleared'), weight: 10 }, fc.constantFrom('hold', 'inspection')), fc.constantFrom('released', null)),
    cargoClass: fc.constantFrom('machinery', 'fresh-produce', 'textiles'),
    labTestRequired: usually(fc.boolean(), fc.constant('no')),
    labTestStatus: usually(fc.constantFrom('passed', 'passed', 'failed', 'pending', null), fc.constant('ok')),
  }),
);

const watchlistHit = fc.record({
  kind: usually(fc.constantFrom('person', 'document', 'face', 'vehicle', 'plate', 'epc'), fc.constant('dog')),
  action: usually(fc.constantFrom('deny', 'alert', 'refer'), fc.constant('block')),
  listId: someId(['interpol-sltd', 'national-wanted', 'customs-risk']),
  score: fc.oneof(fc.constant(null), score()),
});

const listAges = fc
  .record(Object.fromEntries(LIST_NAMES.map((n) => [n, fc.oneof({ arbitrary: fc.integer({ min: 0, max: 3 * 60_000 }), weight: 150 }, { arbitrary: fc.integer({ min: 0, max: 10 * DAY }), weight: 3 }, fc.constantFrom(Number.POSITIVE_INFINITY, Number.NaN, -5, undefined))])))
  .map(compact);

const facts = fc
  .record({
    storeHealthy: fc.oneof({ arbitrary: fc.constant(true), weight: 80 }, fc.constant(false), fc.constantFrom(undefined, 'true', 1)),
    storeProblem: fc.constantFrom(undefined, null, 'disk-full', 'read-only', 'corrupt', 'gremlins'),
    listAgesMs: usually(listAges, fc.constantFrom(null, [], 'fresh'), 100),
    credential: fc.oneof({ arbitrary: credentialFacts, weight: 60 }, fc.constant(null), fc.constantFrom(undefined, 'x')),
    subject: fc.oneof({ arbitrary: subjectFacts, weight: 60 }, fc.constant(null), fc.constantFrom(undefined, 5)),
    vehicleByPlate: fc.oneof({ arbitrary: vehicleFacts, weight: 60 }, { arbitrary: fc.constant(null), weight: 4 }, fc.constant(undefined)),
    vehicleByEpc: fc.oneof({ arbitrary: vehicleFacts, weight: 60 }, { arbitrary: fc.constant(null), weight: 4 }, fc.constant(undefined)),
    cargo: fc.oneof({ arbitrary: cargoFacts, weight: 60 }, { arbitrary: fc.constant(null), weight: 4 }, fc.constant(undefined)),
    watchlistHits: fc.oneof({ arbitrary: fc.constant([]), weight: 40 }, { arbitrary: fc.array(watchlistHit, { minLength: 1, maxLength: 3 }), weight: 4 }, fc.constantFrom(null, [null], 'none')),
  })
  .map(compact);

const maxListAges = fc
  .record(Object.fromEntries(LIST_NAMES.map((n) => [n, fc.oneof({ arbitrary: fc.integer({ min: 5 * 60_000, max: DAY }), weight: 6 }, fc.integer({ min: 0, max: 5 * 60_000 }))])), { requiredKeys: [] })
  .map(compact);

function policyFor(lane: string): fc.Arbitrary<Loose> {
  return fc
    .record({
      lane: usually(fc.constant(lane), fc.constantFrom('bicycle', null), 300),
      direction: fc.oneof({ arbitrary: fc.constant('entry'), weight: 30 }, { arbitrary: fc.constant('exit'), weight: 2 }, fc.constant('both')),
      requireCredential: usually(fc.oneof({ arbitrary: fc.constant(lane === 'people'), weight: 8 }, fc.boolean()), fc.constant('yes'), 300),
      allowedCredentialKinds: usually(fc.oneof({ arbitrary: fc.constant([...CREDENTIAL_KINDS]), weight: 8 }, fc.subarray([...CREDENTIAL_KINDS])), fc.constantFrom(null, ['bogus'])),
      allowedIssuingStates: usually(fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, fc.constantFrom(['VNM'], ['VNM', 'CHN'])), fc.constant('VNM')),
      allowedCategories: usually(fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, fc.constantFrom(['border-resident', 'visitor'], ['crew'])), fc.constant([3])),
      requireFace: usually(fc.boolean(), fc.constant(1), 300),
      faceMatchThreshold: score(0.3, 0.8),
      minFaceQuality: score(0, 0.6),
      presentationAttackThreshold: score(0.4, 1),
      watchlistFaceThreshold: score(0.5, 0.9),
      maxListAgeMs: usually(maxListAges, fc.constantFrom(null, { credentials: -1 }, { credentials: Number.NaN })),
      requirePlate: usually(fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, fc.constant(false)), fc.constant(null), 300),
      requireRfid: usually(fc.boolean(), fc.constant(null), 300),
      minPlateConfidence: score(0.5, 0.9),
      maxPlateMatchDistance: usually(fc.constantFrom(0, 1, 2), hostileNumber),
      requireCargoClearance: usually(fc.boolean(), fc.constant(undefined), 300),
      labTestCargoClasses: usually(fc.constantFrom([], ['fresh-produce']), fc.constant('fresh-produce')),
      onMissingFactor: usually(fc.constantFrom('deny', 'refer'), fc.constant('grant'), 300),
    })
    .map(compact);
}

const clockValue: fc.Arbitrary<number | 'throws'> = fc.oneof(
  { arbitrary: fc.constant(NOW), weight: 60 },
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 'throws' as const),
);

export const generatedCase: fc.Arbitrary<GeneratedCase> = fc
  .constantFrom('people', 'vehicle')
  .chain((lane) => fc.record({ evidence: evidenceFor(lane), facts, policy: policyFor(lane), clockValue }));
