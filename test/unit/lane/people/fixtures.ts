import { DEFAULT_PEOPLE_POLICY } from '../../../../src/decision/index.js';
import type { CredentialEvidence, FaceEvidence, Facts } from '../../../../src/decision/types.js';
import type { PeopleFlowEvent } from '../../../../src/lane/flow-types.js';
import {
  DEFAULT_PEOPLE_TIMEOUTS,
  initialPeopleState,
  stepPeople,
  type PeopleFlowConfig,
  type PeopleFlowState,
} from '../../../../src/lane/people/index.js';
import { LaneDriver } from '../flow-test-kit.js';

export { T0, of } from '../flow-test-kit.js';

export const CONFIG: PeopleFlowConfig = {
  policy: { ...DEFAULT_PEOPLE_POLICY },
  timeouts: { ...DEFAULT_PEOPLE_TIMEOUTS },
  faceFrames: 5,
  maxFaceAttempts: 2,
};

export const CREDENTIAL: CredentialEvidence = {
  kind: 'qr-token',
  idHash: 'ab'.repeat(32),
  verification: { valid: true },
  validFrom: null,
  validUntil: null,
  nationality: 'VNM',
  issuingState: 'VNM',
};

export function facts(over: Partial<Facts> = {}): Facts {
  return {
    storeHealthy: true,
    listAgesMs: { credentials: 1_000, subjects: 1_000, watchlist: 1_000 },
    credential: { status: 'active', subjectId: 's1', validFrom: null, validUntil: null },
    subject: {
      subjectId: 's1',
      category: 'border-resident',
      validFrom: null,
      validUntil: null,
      allowedDirections: ['entry'],
      enrolledTemplateModelId: 'face-m1',
    },
    vehicleByPlate: null,
    vehicleByEpc: null,
    cargo: null,
    watchlistHits: [],
    ...over,
  };
}

export function face(over: Partial<FaceEvidence> = {}): FaceEvidence {
  return {
    matchScore: null,
    modelId: 'face-m1',
    quality: 0.9,
    presentationAttackScore: 0.05,
    presentationAttackReasons: [],
    faceCount: 1,
    ...over,
  };
}

/** A people lane driven event by event, 100 ms apart unless an event names its time. */
export class PeopleLane extends LaneDriver<PeopleFlowConfig, PeopleFlowState, PeopleFlowEvent> {
  constructor(config: PeopleFlowConfig = CONFIG) {
    super(config, stepPeople, initialPeopleState());
  }

  /** Credential presented and looked up, traveller inside, faces requested, entry door confirmed closed behind. */
  toCapture(f: Facts = facts()): void {
    this.send({ type: 'credential-presented', credential: CREDENTIAL });
    this.send({ type: 'facts', passage: this.ref, facts: f });
    this.send({ type: 'entry-beam', count: 1, clear: false });
    this.send({ type: 'entry-beam', count: 1, clear: true });
    this.send({ type: 'entry-door', closed: true });
  }
}
