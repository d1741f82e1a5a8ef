/**
 * Shared types of the two passage flows (src/lane/people, src/lane/vehicle). Both are pure state
 * machines `(config, state, event) -> { state, effects }`: no I/O, no clock reads, no randomness.
 * Time arrives on every event (`at`, epoch ms); effects are plain data that the lane runner executes
 * one by one, feeding each result back as an event that names the passage it belongs to.
 *
 * The flows sit ABOVE src/lane/interlocks: an `actuate` effect is a request the runner hands to the
 * interlock layer (a `grant` or `command` event there), which decides whether it is safe to move.
 *
 * Facts are fetched by the runner (lookup effects answer with a `facts` event carrying the store's
 * Facts); the verdict is computed INSIDE the machine with the pure decide() of src/decision, so the
 * whole passage logic is testable end to end without I/O (see docs/lanes.md).
 */
import type { CredentialEvidence, Direction, FaceEvidence, Facts, Outcome, PlateRead, RfidRead, VehicleEvidence } from '../decision/types.js';
import type { Detail, Screen } from '../display/display-state.js';
import type { JsonValue } from '../store/canonical-json.js';

/** The machine's own handle of a passage ('p1', 'p2', ...); the store's UUID arrives with `journaled`. */
export type PassageRef = string;

export type OverrideSource = 'lanectl' | 'mqtt';
export type ResetSource = 'local' | 'officer' | 'mqtt';

export type ActuatorTarget = 'entry-door' | 'exit-door' | 'barrier';
export type ActuatorAction = 'open' | 'close';
/**
 * Why the flow asks for a movement. Only `grant` lets someone across the border; `admit` and
 * `close-behind` move the mantrap's entry door before a verdict exists (see docs/lanes.md). `secure`
 * is always a close: the lane is back in service (idle) and closes what an ended passage left open
 * (abandoned by a suspension, a timeout) or what was found open at start-up; it is for no verdict.
 */
export type ActuatePurpose = 'admit' | 'close-behind' | 'grant' | 'send-back' | 'close-after' | 'secure';

export type FlowAlarmKind = 'verdict' | 'journal-failed' | 'officer-not-attended' | 'device-fault' | 'emergency' | 'internal-error';

/** Structurally a src/store PassageInput (without id): what the runner hands to Journal.append. */
export interface JournalDraft {
  kind: 'people' | 'vehicle';
  direction: Direction;
  stages: Record<string, number>;
  /** Hashed identifiers, plate text, scores and model ids only: never payloads or templates. */
  evidence: Record<string, JsonValue>;
  outcome: Outcome;
  reasons: string[];
  alarm: boolean;
  officerId: string | null;
}

export type FlowEffect =
  | { type: 'lookup-credential'; passage: PassageRef; credential: CredentialEvidence; vehicle: VehicleEvidence | null }
  | { type: 'lookup-vehicle'; passage: PassageRef; vehicle: VehicleEvidence; credential: CredentialEvidence | null }
  | { type: 'capture-faces'; passage: PassageRef; frames: number; attempt: number }
  /** 1:1 against the subject's enrolled template and 1:N against the watchlist; answer: face-recognised. */
  | { type: 'recognise-face'; passage: PassageRef; subjectId: string | null }
  /** Journal + outbox in one transaction; answer: journaled or journal-failed. */
  | { type: 'journal'; passage: PassageRef; record: JournalDraft }
  | { type: 'actuate'; passage: PassageRef; target: ActuatorTarget; action: ActuatorAction; purpose: ActuatePurpose }
  | { type: 'display'; screen: Screen; nationality?: string | null; reason?: Detail }
  | { type: 'alarm'; passage: PassageRef | null; kind: FlowAlarmKind; reason: string }
  /** (Re)arms the machine's single timer; the runner answers with `timer {name}` at dueAt. */
  | { type: 'set-timer'; name: string; ms: number; dueAt: number }
  | { type: 'cancel-timer'; name: string }
  | { type: 'open-read-window'; passage: PassageRef; ms: number }
  | { type: 'close-read-window'; passage: PassageRef }
  /** An event the machine did not act on, with the reason (diagnostics; never an error). */
  | { type: 'ignored'; event: string; reason: string };

/** Events both flows understand. */
export type CommonFlowEvent =
  /** Answer to a lookup-* effect: the store's Facts for the evidence so far. */
  | { type: 'facts'; at: number; passage: PassageRef; facts: Facts }
  /** credential null: nothing usable was read (unreadable code); `problem` is a short machine string. */
  | { type: 'credential-presented'; at: number; credential: CredentialEvidence | null; problem?: string }
  | { type: 'journaled'; at: number; passage: PassageRef; passageId: string; seq: number }
  | { type: 'journal-failed'; at: number; passage: PassageRef; error: string }
  | { type: 'officer-override'; at: number; officerId: string; outcome: Outcome; reason: string; source: OverrideSource }
  | { type: 'timer'; at: number; name: string }
  | { type: 'emergency'; at: number; active: boolean }
  | { type: 'free-pass'; at: number; active: boolean }
  /** The interlocks were reset on site (or a technician put the lane back in service). */
  | { type: 'reset'; at: number; source: ResetSource }
  | { type: 'device-fault'; at: number; device: string; reason: string }
  | { type: 'device-ok'; at: number; device: string }
  /**
   * The runner found this barrier open at start-up (a restart) with no passage of ours behind it: it is
   * closed (`secure`) as soon as the lane is idle and in service.
   */
  | { type: 'found-open'; at: number; target: ActuatorTarget };

export type PeopleFlowEvent =
  | CommonFlowEvent
  /** Entry photo beam: persons counted into the mantrap since the entry door opened; clear: nobody in the beam. */
  | { type: 'entry-beam'; at: number; count: number; clear: boolean }
  | { type: 'exit-beam'; at: number; clear: boolean }
  /**
   * The entry door's reported position (its limit switch): closed, or anything else (opening, open,
   * closing, stopped). The entry beam keeps counting until the door is confirmed closed behind the traveller.
   */
  | { type: 'entry-door'; at: number; closed: boolean }
  /** Best-quality face of the captured frames (matchScore null); null: no usable capture. */
  | { type: 'faces-captured'; at: number; passage: PassageRef; face: FaceEvidence | null }
  /** Face with its 1:1 score; facts: the store's Facts again, now with 1:N watchlist face hits. */
  | { type: 'face-recognised'; at: number; passage: PassageRef; face: FaceEvidence; facts?: Facts };

export type VehicleFlowEvent =
  | CommonFlowEvent
  | { type: 'loop'; at: number; occupied: boolean }
  | { type: 'plate-read'; at: number; camera: 'front' | 'rear'; plate: PlateRead }
  | { type: 'rfid-read'; at: number; rfid: RfidRead };

/** Why the lane is out of passage service. Emergency and journal failures need a reset on site. */
export interface Suspension {
  emergencyLatched: boolean;
  emergencyActive: boolean;
  freePass: boolean;
  faults: Record<string, string>;
  journalFailed: boolean;
  internalError: boolean;
}

export interface ArmedTimer {
  name: string;
  dueAt: number;
}

export interface FlowStep<S> {
  state: S;
  effects: FlowEffect[];
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers both flows share (kept here so neither flow imports the other).
// ---------------------------------------------------------------------------------------------

export function noSuspension(): Suspension {
  return { emergencyLatched: false, emergencyActive: false, freePass: false, faults: {}, journalFailed: false, internalError: false };
}

export function isSuspended(s: Suspension): boolean {
  return s.emergencyLatched || s.freePass || s.journalFailed || s.internalError || Object.keys(s.faults).length > 0;
}

/** Screen shown while suspended: the way out during an emergency or free pass, closed otherwise. */
export function suspendedScreen(s: Suspension): Screen {
  return s.emergencyLatched || s.freePass ? 'emergency-exit' : 'lane-closed';
}

/**
 * Applies an emergency / free-pass / fault / reset event to the suspension record. Returns the
 * alarm kind to raise when the event newly suspends the lane, 'changed' when it only altered the
 * record, or null when it changed nothing. An MQTT reset never clears anything: nobody is on site
 * to see that the lane is safe (the interlocks apply the same rule).
 */
export function applySuspensionEvent(s: Suspension, e: CommonFlowEvent): FlowAlarmKind | 'changed' | null {
  switch (e.type) {
    case 'emergency':
      if (e.active) {
        const fresh = !s.emergencyLatched;
        s.emergencyActive = true;
        s.emergencyLatched = true;
        return fresh ? 'emergency' : 'changed';
      }
      if (!s.emergencyActive) return null;
      s.emergencyActive = false;
      return 'changed';
    case 'free-pass':
      if (s.freePass === e.active) return null;
      s.freePass = e.active;
      return e.active ? 'emergency' : 'changed';
    case 'device-fault': {
      const fresh = s.faults[e.device] === undefined;
      s.faults[e.device] = e.reason;
      return fresh ? 'device-fault' : 'changed';
    }
    case 'device-ok':
      if (s.faults[e.device] === undefined) return null;
      delete s.faults[e.device];
      return 'changed';
    case 'reset': {
      if (e.source === 'mqtt') return null;
      const before = isSuspended(s);
      if (!s.emergencyActive) s.emergencyLatched = false;
      s.journalFailed = false;
      s.internalError = false;
      return before ? 'changed' : null;
    }
    default:
      return null;
  }
}

/** Facts standing for "the cache did not answer": decide() turns them into STORE_UNAVAILABLE (refer + alarm). */
export function unavailableFacts(): Facts {
  return {
    storeHealthy: false,
    storeProblem: 'unavailable',
    listAgesMs: {},
    credential: null,
    subject: null,
    vehicleByPlate: null,
    vehicleByEpc: null,
    cargo: null,
    watchlistHits: [],
  };
}

/** Shape check of an incoming event: the runner is trusted for content, but not to never send junk. */
export function eventShapeProblem(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return 'event must be an object';
  const { type, at } = e as { type?: unknown; at?: unknown };
  if (typeof type !== 'string') return 'event.type must be a string';
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) return 'event.at must be epoch milliseconds';
  return null;
}

/** Evidence entries for the journal: hashed ids, kinds, scores. Never payloads, names or templates. */
export function credentialJournal(c: CredentialEvidence | null): JsonValue {
  if (!c) return null;
  return {
    kind: c.kind,
    idHash: c.idHash,
    valid: c.verification.valid,
    verificationProblem: c.verification.valid ? null : c.verification.reason,
  };
}

export function faceJournal(f: FaceEvidence | null): JsonValue {
  if (!f) return null;
  return {
    matchScore: f.matchScore,
    modelId: f.modelId,
    quality: f.quality,
    presentationAttackScore: f.presentationAttackScore,
    faceCount: f.faceCount,
  };
}
