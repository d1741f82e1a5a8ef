/**
 * Fresh, fully valid inputs for one people passage and one truck passage. Every call returns new
 * objects so a test can break exactly one thing and expect exactly one reason code.
 */
import { DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY } from '../../../src/decision/index.js';
import type { DecisionClock, Evidence, Facts, Policy, Verdict } from '../../../src/decision/index.js';
import { decide } from '../../../src/decision/index.js';

export const NOW = Date.UTC(2026, 0, 15, 8, 0, 0);
export const DAY = 86_400_000;
export const clockAt = (t: number = NOW): DecisionClock => ({ now: () => t });

export const TEMPLATE_MODEL = 'faceres-v1';
export const ID_HASH = 'a3f1'.repeat(16);
export const EPC = '3034257bf400b7800004cb2f';

export function peoplePolicy(over: Partial<Policy> = {}): Policy {
  return structuredClone({ ...DEFAULT_PEOPLE_POLICY, ...over });
}

export function vehiclePolicy(over: Partial<Policy> = {}): Policy {
  return structuredClone({ ...DEFAULT_VEHICLE_POLICY, ...over });
}

export interface Passage {
  evidence: Evidence;
  facts: Facts;
  policy: Policy;
  clock: DecisionClock;
}

export function traveller(policyOver: Partial<Policy> = {}): Passage {
  return {
    evidence: {
      credential: {
        kind: 'signed-qr',
        idHash: ID_HASH,
        verification: { valid: true },
        validFrom: NOW - 30 * DAY,
        validUntil: NOW + 30 * DAY,
        nationality: 'VNM',
        issuingState: 'VNM',
      },
      face: {
        matchScore: 0.82,
        modelId: TEMPLATE_MODEL,
        quality: 0.9,
        presentationAttackScore: 0.05,
        presentationAttackReasons: [],
        faceCount: 1,
      },
      occupancy: { personCount: 1, vehicleCount: null },
      observedDirection: 'entry',
    },
    facts: {
      storeHealthy: true,
      listAgesMs: { credentials: 60_000, subjects: 60_000, watchlist: 60_000 },
      credential: { status: 'active', subjectId: 'subj-1', validFrom: NOW - DAY, validUntil: NOW + DAY },
      subject: {
        subjectId: 'subj-1',
        category: 'border-resident',
        validFrom: NOW - 365 * DAY,
        validUntil: NOW + 365 * DAY,
        allowedDirections: ['entry', 'exit'],
        enrolledTemplateModelId: TEMPLATE_MODEL,
      },
      vehicleByPlate: null,
      vehicleByEpc: null,
      cargo: null,
      watchlistHits: [],
    },
    policy: peoplePolicy(policyOver),
    clock: clockAt(),
  };
}

export function truck(policyOver: Partial<Policy> = {}): Passage {
  const vehicle = {
    vehicleId: 'veh-7',
    validFrom: NOW - 100 * DAY,
    validUntil: NOW + 100 * DAY,
    allowedDirections: ['entry', 'exit'] as const,
    matchDistance: 0,
  };
  return {
    evidence: {
      vehicle: {
        plate: { text: '29C12345', country: 'VN', confidence: 0.95 },
        rfid: { epc: EPC, tid: null },
      },
      occupancy: { personCount: null, vehicleCount: 1 },
      observedDirection: 'entry',
    },
    facts: {
      storeHealthy: true,
      listAgesMs: { vehicles: 60_000, cargo: 60_000, watchlist: 60_000 },
      credential: null,
      subject: null,
      vehicleByPlate: { ...vehicle, allowedDirections: [...vehicle.allowedDirections] },
      vehicleByEpc: { ...vehicle, allowedDirections: [...vehicle.allowedDirections] },
      cargo: {
        status: 'cleared',
        cargoClass: 'machinery',
        labTestRequired: false,
        labTestStatus: null,
        validFrom: NOW - DAY,
        validUntil: NOW + DAY,
      },
      watchlistHits: [],
    },
    policy: vehiclePolicy(policyOver),
    clock: clockAt(),
  };
}

export const run = (p: Passage): Verdict => decide(p.evidence, p.facts, p.policy, p.clock);
