/**
 * Configuration and state of the vehicle lane (loop, cameras, RFID, barrier). See docs/lanes.md.
 */
import type { CredentialEvidence, Facts, PlateRead, Policy, RfidRead, Verdict } from '../../decision/types.js';
import type { ArmedTimer, FlowEffect, OverrideSource, PassageRef, Suspension } from '../flow-types.js';
import type { FlowCtx, OpenedTargets } from '../flow-kit.js';

export interface VehicleTimeouts {
  /** Plate and RFID reads are collected for at most this long after the loop is occupied. */
  readWindowMs: number;
  lookupMs: number;
  /** The driver was asked for a pass (policy requires a driver credential). */
  driverMs: number;
  journalMs: number;
  /** Barrier open: the vehicle must clear the loop. Also how long a refused vehicle has to reverse out. */
  passMs: number;
  /** Held for an officer (refer, alarm, journal failure). */
  officerMs: number;
}

export const DEFAULT_VEHICLE_TIMEOUTS: Readonly<VehicleTimeouts> = Object.freeze({
  readWindowMs: 4_000,
  lookupMs: 3_000,
  driverMs: 30_000,
  journalMs: 3_000,
  passMs: 60_000,
  officerMs: 600_000,
});

export interface VehicleFlowConfig {
  /** Must be a vehicle-lane policy (policy.lane === 'vehicle'). */
  policy: Policy;
  timeouts: VehicleTimeouts;
  /** A rear camera is installed: the read window waits for its plate too (until the window ends). */
  rearCamera: boolean;
}

/** Longest possible passage: each step's timeout once; every timer is clamped to the passage deadline. */
export function vehiclePassageLimitMs(t: VehicleTimeouts): number {
  return t.readWindowMs + t.lookupMs + t.driverMs + t.lookupMs + t.journalMs + t.passMs + t.officerMs;
}

/**
 * `leaving`: an officer's deny is journaled; the barrier stays down and the vehicle reverses out
 * (passage over when the loop clears, or after passMs).
 */
export type VehiclePhase = 'idle' | 'reading' | 'looking-up' | 'awaiting-driver' | 'journaling' | 'passing' | 'held' | 'leaving' | 'suspended';

export interface VehiclePassage {
  ref: PassageRef;
  startedAt: number;
  deadline: number;
  stages: Record<string, number>;
  /** Best (highest-confidence) read per camera. */
  front: PlateRead | null;
  rear: PlateRead | null;
  rfid: RfidRead | null;
  /** Other tags seen in the window (a second vehicle or a stray tag): journaled, not decided on. */
  otherEpcs: string[];
  credential: CredentialEvidence | null;
  askedDriver: boolean;
  facts: Facts | null;
  verdict: Verdict | null;
  journaled: boolean;
  journalIds: string[];
  overrideSource: OverrideSource | null;
}

export interface VehicleFlowState {
  phase: VehiclePhase;
  passage: VehiclePassage | null;
  timer: ArmedTimer | null;
  suspension: Suspension;
  /** The barrier, when the flow opened it and has not closed it (see FlowStateCore.opened). */
  opened: OpenedTargets;
  /** Last loop report; a passage starts on the change from clear to occupied. */
  loopOccupied: boolean;
  passagesStarted: number;
}

/** Working copy for one step (see FlowCtx in ../flow-kit.ts). */
export type VehicleCtx = FlowCtx<VehicleFlowConfig, VehicleFlowState>;
