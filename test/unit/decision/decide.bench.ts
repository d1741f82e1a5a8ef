/**
 * Speed of decide() (goal: p99 <= 1 ms per decision; face search is the store's and excluded).
 * Run: npx vitest bench --run test/unit/decision
 * Peers in the same run, so the figures can be judged on a loaded machine:
 *  - zod safeParse of the same Evidence with a schema of the same checks (the obvious alternative
 *    for the validation half of the engine);
 *  - JSON.stringify of the inputs (what the lane pays anyway to journal a passage).
 */
import { bench, describe } from 'vitest';
import { z } from 'zod';
import { decide } from '../../../src/decision/index.js';
import { run, traveller, truck } from './builders.js';

const person = traveller();
const lorry = truck();
const hostile = traveller();
Object.assign(hostile.facts, { storeHealthy: false, storeProblem: 'read-only' });
if (hostile.evidence.face) hostile.evidence.face.matchScore = Number.NaN;
hostile.facts.watchlistHits = [{ kind: 'person', action: 'deny', listId: 'wanted', score: null }];

const score = z.number().min(0).max(1);
const time = z.number().finite().nullable();
const evidenceSchema = z.object({
  credential: z
    .object({
      kind: z.enum(['qr-token', 'signed-qr', 'travel-document', 'border-pass']),
      idHash: z.string().regex(/^[0-9a-f]{16,128}$/),
      verification: z.union([z.object({ valid: z.literal(true) }), z.object({ valid: z.literal(false), reason: z.string() })]),
      validFrom: time,
      validUntil: time,
      nationality: z.string().regex(/^[A-Z<]{2,3}$/).nullable(),
      issuingState: z.string().regex(/^[A-Z<]{2,3}$/).nullable(),
    })
    .nullish(),
  face: z
    .object({
      matchScore: score.nullable(),
      modelId: z.string().min(1),
      quality: score,
      presentationAttackScore: score,
      presentationAttackReasons: z.array(z.string()),
      faceCount: z.number().int().min(0),
    })
    .nullish(),
  occupancy: z.object({ personCount: z.number().int().min(0).nullable(), vehicleCount: z.number().int().min(0).nullable() }).nullish(),
  observedDirection: z.enum(['entry', 'exit']).nullish(),
});

describe('one passage', () => {
  bench('decide: people lane, granted', () => {
    run(person);
  });
  bench('decide: vehicle lane, granted', () => {
    run(lorry);
  });
  bench('decide: store read-only + NaN score + watchlist hit', () => {
    decide(hostile.evidence, hostile.facts, hostile.policy, hostile.clock);
  });
  bench('peer: zod safeParse of the people evidence only', () => {
    evidenceSchema.safeParse(person.evidence);
  });
  bench('peer: JSON.stringify of the people inputs', () => {
    JSON.stringify([person.evidence, person.facts, person.policy]);
  });
});
