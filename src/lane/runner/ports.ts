/**
 * What the lane runner needs from the world, as small interfaces. The daemon hands in adapters over
 * the real drivers, store and vision pipelines (device-adapters.ts, store-adapter.ts, credential-
 * source.ts, vision-adapters.ts); unit tests hand in small fakes. The runner imports no driver, no
 * SQLite and no model: everything it touches is one of these ports.
 */
import type { CredentialEvidence, Evidence, FaceEvidence, Facts, Policy } from '../../decision/types.js';
import type { LaneDisplay } from '../../display/display-state.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { JsonValue } from '../../store/canonical-json.js';
import type { JournalDraft } from '../flow-types.js';
import type { BarrierAction } from '../interlocks/types.js';

/** Something presented at a reader, before it is verified. Raw text and lines are personal data. */
export type Presentation =
  | { kind: 'qr'; text: string; reader: string }
  | { kind: 'mrz'; lines: readonly string[]; reader: string }
  /** The reader saw something it could not assemble (MRZ `unreadable`). */
  | { kind: 'unreadable'; problem: string; reader: string };

/** Verified evidence, or a short machine reason why nothing usable was read (never the payload). */
export type CredentialResult = { ok: true; credential: CredentialEvidence } | { ok: false; problem: string };

export interface CredentialPort {
  /** Parses and verifies; never throws on bad input (the runner still guards it). */
  evidenceOf(p: Presentation): CredentialResult;
}

export interface FactsPort {
  /** The store's Facts for the evidence (Store.factsFor); a failing store answers unhealthy facts. */
  factsFor(evidence: Evidence, opts: { now: number; liveFace?: { modelId: string; vector: Float32Array } | null }): Facts;
}

export interface JournalPort {
  /** Journal + outbox in one transaction. Throws when the store refuses (disk full, read-only ...). */
  append(record: JournalDraft): { passageId: string; seq: number };
  /** Queues an event for the central system (event/alarm, event/lane-action) through the outbox. */
  publish(topic: string, payload: JsonValue): void;
  /** Marks a single-use QR token used (by its idHash); answers consumed / already-used / unknown. */
  redeem?(idHash: string): string;
}

/** One capture of the face camera: the best face and its live template (kept in memory only). */
export interface FaceCapture {
  face: FaceEvidence | null;
  template: { modelId: string; vector: Float32Array } | null;
}

export interface FacePort {
  /** Captures `frames` frames from the face camera and keeps the best face. Rejects on a camera/model failure. */
  capture(frames: number): Promise<FaceCapture>;
  /** 1:1 score of the live template against the subject's enrolled template (null: none enrolled). */
  compare(subjectId: string | null, template: { modelId: string; vector: Float32Array }): Promise<number | null>;
}

/** Barrier/door movements; the interlocks already decided the movement is safe. */
export interface ActuatorPort {
  command(barrier: string, action: BarrierAction): Promise<void>;
}

export interface SignalPort {
  show(aspect: 'red' | 'green'): Promise<void>;
}

export interface ReaderPort {
  openReadWindow(ms: number): void;
  closeReadWindow(): void;
}

export interface RunnerPorts {
  clock: Clock;
  log: Logger;
  credentials: CredentialPort;
  facts: FactsPort;
  journal: JournalPort;
  actuators: ActuatorPort;
  /** Absent: no face camera (a policy that requires a face then refers or denies). */
  faces?: FacePort | null;
  signals?: SignalPort | null;
  display?: LaneDisplay | null;
  readers?: ReaderPort | null;
  /** The policy in force (it changes on a config reload). */
  policy(): Policy;
}
