/**
 * Configuration and state of the people lane (a two-door mantrap). See docs/lanes.md for the flow.
 */
import type { CredentialEvidence, FaceEvidence, Facts, Policy, Verdict } from '../../decision/types.js';
import type { ArmedTimer, FlowEffect, OverrideSource, PassageRef, Suspension } from '../flow-types.js';
import type { FlowCtx, OpenedTargets } from '../flow-kit.js';

export interface PeopleTimeouts {
  /** Credential lookup in the cache. */
  lookupMs: number;
  /**
   * Entry door open: the traveller must step in and clear the entry beam. Also how long the entry
   * door has to confirm it closed behind the traveller before a grant opens the exit.
   */
  enterMs: number;
  /** Face capture and recognition, all attempts together (a retry does not extend it). */
  faceMs: number;
  /** Waiting for the journal to confirm the passage is durable. */
  journalMs: number;
  /** Exit door open after a grant: the traveller must clear the exit beam. */
  exitMs: number;
  /** Entry door reopened to send the traveller back: the mantrap must empty. */
  sendBackMs: number;
  /** Held for an officer (refer, alarm, journal failure). */
  officerMs: number;
  /** A refusal at the entry reader stays on screen this long. */
  resultMs: number;
}

export const DEFAULT_PEOPLE_TIMEOUTS: Readonly<PeopleTimeouts> = Object.freeze({
  lookupMs: 3_000,
  enterMs: 10_000,
  faceMs: 8_000,
  journalMs: 3_000,
  exitMs: 10_000,
  sendBackMs: 15_000,
  officerMs: 180_000,
  resultMs: 4_000,
});

export interface PeopleFlowConfig {
  /** Must be a people-lane policy (policy.lane === 'people'). */
  policy: Policy;
  timeouts: PeopleTimeouts;
  /** Frames requested per capture; the vision pipeline keeps the best one. */
  faceFrames: number;
  /** Captures tried before the passage is decided without a usable face. */
  maxFaceAttempts: number;
}

/**
 * The longest a passage can last: every step's timeout once. The machine clamps each timer to the
 * passage's deadline, so no combination of events (retries, overrides) can keep a passage alive longer.
 * The wait for the entry door to close behind the traveller (enterMs again) is clamped to it as well.
 */
export function peoplePassageLimitMs(t: PeopleTimeouts): number {
  return t.lookupMs + t.enterMs + t.faceMs + t.journalMs + t.exitMs + t.sendBackMs + t.officerMs + t.resultMs;
}

export type PeoplePhase =
  | 'idle'
  | 'looking-up'
  | 'entering'
  | 'capturing'
  | 'recognising'
  | 'journaling'
  /** Granted and inside; the exit opens once the entry door is confirmed closed behind the traveller. */
  | 'closing-entry'
  | 'exiting'
  | 'sending-back'
  | 'held'
  | 'showing-result'
  | 'suspended';

export interface PeoplePassage {
  ref: PassageRef;
  startedAt: number;
  /** startedAt + peoplePassageLimitMs: no timer of this passage is armed past it. */
  deadline: number;
  stages: Record<string, number>;
  credential: CredentialEvidence;
  facts: Facts | null;
  face: FaceEvidence | null;
  /** Persons counted through the entry beam (null until counted). */
  personCount: number | null;
  faceAttempts: number;
  /** The traveller is inside the mantrap (counted in and the beam cleared). */
  inside: boolean;
  entryOpen: boolean;
  /**
   * The entry door reported closed after closing behind the traveller. Until then the entry beam
   * keeps counting (a second person slipping in is TAILGATING) and the exit door stays shut.
   */
  entrySealed: boolean;
  /** The beam of the door the traveller is leaving through was broken (leaving = broken, then clear). */
  beamBroken: boolean;
  /** Last verdict handed to the journal; actuations after it wait for `journaled`. */
  verdict: Verdict | null;
  /** True once the journal confirmed `verdict`; only then may doors move for it. */
  journaled: boolean;
  journalIds: string[];
  overrideSource: OverrideSource | null;
}

export interface PeopleFlowState {
  phase: PeoplePhase;
  passage: PeoplePassage | null;
  timer: ArmedTimer | null;
  suspension: Suspension;
  /** Doors the flow opened and has not closed (see FlowStateCore.opened). */
  opened: OpenedTargets;
  /** Counter behind PassageRef ('p1', 'p2', ...). */
  passagesStarted: number;
}

/** Working copy for one step (see FlowCtx in ../flow-kit.ts). */
export type PeopleCtx = FlowCtx<PeopleFlowConfig, PeopleFlowState>;
