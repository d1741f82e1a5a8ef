import { DEFAULT_PEOPLE_POLICY } from '../../../../src/decision/index.js';
import type { CredentialEvidence, FaceEvidence, Facts } from '../../../../src/decision/types.js';
import type { FlowEffect, PeopleFlowEvent } from '../../../../src/lane/flow-types.js';
import {
  DEFAULT_PEOPLE_TIMEOUTS,
  initialPeopleState,
  stepPeople,
  type PeopleFlowConfig,
  type PeopleFlowState,
} from '../../../../src/lane/people/index.js';

export const T0 = 1_700_000_000_000;

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

type Input = PeopleFlowEvent extends infer E ? (E extends PeopleFlowEvent ? Omit<E, 'at'> & { at?: number } : never) : never;

/** A people lane driven event by event, 100 ms apart unless an event names its time. */
export class PeopleLane {
  state: PeopleFlowState = initialPeopleState();
  at = T0;
  readonly all: FlowEffect[] = [];

  constructor(readonly config: PeopleFlowConfig = CONFIG) {}

  send(e: Input): FlowEffect[] {
    this.at = e.at ?? this.at + 100;
    const step = stepPeople(this.config, this.state, { ...e, at: this.at } as PeopleFlowEvent);
    this.state = step.state;
    this.all.push(...step.effects);
    return step.effects;
  }

  /** Fires the armed timer at its due time. */
  timeout(): FlowEffect[] {
    const t = this.state.timer;
    if (!t) throw new Error(`no timer armed in phase ${this.state.phase}`);
    return this.send({ type: 'timer', name: t.name, at: t.dueAt });
  }

  get ref(): string {
    return this.state.passage?.ref ?? 'none';
  }

  /** Credential presented and looked up, traveller inside, faces requested. */
  toCapture(f: Facts = facts()): void {
    this.send({ type: 'credential-presented', credential: CREDENTIAL });
    this.send({ type: 'facts', passage: this.ref, facts: f });
    this.send({ type: 'entry-beam', count: 1, clear: false });
    this.send({ type: 'entry-beam', count: 1, clear: true });
  }
}

export const of = <T extends FlowEffect['type']>(effects: FlowEffect[], type: T): Extract<FlowEffect, { type: T }>[] =>
  effects.filter((e): e is Extract<FlowEffect, { type: T }> => e.type === type);
