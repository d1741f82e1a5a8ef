/**
 * Types of the pure decision engine: what the lane has observed (Evidence), what the offline
 * cache says (Facts, assembled by src/store), how this lane is configured (Policy), and the
 * answer (Verdict). The shape is a contract shared with store/, lane/ and credentials/: extend it
 * by adding optional fields, never by renaming or repurposing existing ones.
 *
 * Conventions used throughout:
 * - Times are epoch milliseconds (number). A validity window is [validFrom, validUntil):
 *   from is inclusive, until is exclusive; null means open on that side.
 * - Scores are in 0..1. Anything else (NaN, Infinity, negative) is out of range and the engine
 *   answers with a reason code instead of throwing.
 * - No personal data travels in a Verdict: identifiers are hashed before they reach Evidence,
 *   and Verdict.details holds field paths, never values.
 */

export type LaneKind = 'people' | 'vehicle';

/** Entry into the country or exit from it, as configured for the lane. */
export type Direction = 'entry' | 'exit';

export const OUTCOMES = ['grant', 'deny', 'refer', 'alarm'] as const;
/**
 * grant: open the barrier. deny: keep it shut and send the person/vehicle back or to a manned lane.
 * refer: keep it shut and hand the passage to an officer. alarm: keep it shut, security event,
 * an officer must attend now (Verdict.alarm is always true with this outcome).
 */
export type Outcome = (typeof OUTCOMES)[number];

// ---------------------------------------------------------------------------------------------
// Evidence: what the lane observed for this passage. Parts are optional because the lane
// collects them one after the other and may ask the engine before it has all of them.
// ---------------------------------------------------------------------------------------------

export const CREDENTIAL_KINDS = ['qr-token', 'signed-qr', 'travel-document', 'border-pass'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** Result of the cryptographic / check-digit verification done by src/credentials. */
export type CredentialVerification =
  | { valid: true }
  /** reason is a short machine string such as 'bad-signature' or 'check-digit'; never the payload. */
  | { valid: false; reason: string };

export interface CredentialEvidence {
  kind: CredentialKind;
  /** Lowercase hex digest (e.g. SHA-256) of the credential identifier. Never the raw number. */
  idHash: string;
  verification: CredentialVerification;
  /** Validity printed on / signed into the credential itself (e.g. MRZ expiry, token exp). */
  validFrom: number | null;
  validUntil: number | null;
  /** ISO 3166 / ICAO codes (2-3 letters, '<' allowed as in MRZ), or null when the credential has none. */
  nationality: string | null;
  issuingState: string | null;
}

export interface FaceEvidence {
  /** Similarity of the live face to the subject's enrolled template, 0..1; null if not compared. */
  matchScore: number | null;
  /** Identifier of the embedding model that produced the live template (must match enrolment). */
  modelId: string;
  /** Capture quality 0..1 (sharpness, pose, size) from the vision pipeline. */
  quality: number;
  /** Presentation-attack (spoof) probability 0..1; higher is more suspicious. */
  presentationAttackScore: number;
  /** Short machine strings from the PAD model, e.g. 'screen', 'print', 'mask'. Informational. */
  presentationAttackReasons: readonly string[];
  /** Faces in the frame. 0: nobody usable; more than 1 on a people lane: tailgating signal. */
  faceCount: number;
}

export interface PlateRead {
  /** Canonical plate text as produced by src/credentials plate parsers, e.g. '29A12345'. */
  text: string;
  /** ISO 3166-1 alpha-2 country of the plate format, e.g. 'VN', 'CN'. */
  country: string;
  /** OCR confidence 0..1. */
  confidence: number;
}

export interface RfidRead {
  /** EPC in hex. */
  epc: string;
  /** Tag TID in hex when the reader reports it. */
  tid: string | null;
}

export interface VehicleEvidence {
  plate?: PlateRead | null;
  rfid?: RfidRead | null;
}

/** Counts from photo beams / loops / people counters in the lane. null when not measured. */
export interface OccupancyEvidence {
  personCount: number | null;
  vehicleCount: number | null;
}

export interface OfficerOverride {
  officerId: string;
  outcome: Outcome;
  /** Free text for the journal; the engine only requires it to be non-empty. */
  reason: string;
}

/**
 * On a people lane credential and face belong to the traveller; on a vehicle lane they belong
 * to the driver (the "driver credential" of the vehicle policy).
 */
export interface Evidence {
  credential?: CredentialEvidence | null;
  face?: FaceEvidence | null;
  vehicle?: VehicleEvidence | null;
  occupancy?: OccupancyEvidence | null;
  /** Direction of travel seen by the lane sensors, when they can tell. */
  observedDirection?: Direction | null;
  override?: OfficerOverride | null;
}

// ---------------------------------------------------------------------------------------------
// Facts: what the offline cache says about the evidence. Assembled by src/store. Every field is
// present; null means "looked up, nothing on file".
// ---------------------------------------------------------------------------------------------

export const CREDENTIAL_STATUSES = ['active', 'revoked', 'used'] as const;
/** 'used': a single-use credential that has already been consumed. */
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

export interface CredentialFacts {
  status: CredentialStatus;
  subjectId: string;
  validFrom: number | null;
  validUntil: number | null;
}

/** The person the credential (or the face search) identified: traveller, or driver. */
export interface SubjectFacts {
  subjectId: string;
  /** Free-form category from the lists, e.g. 'border-resident', 'visitor', 'crew'. */
  category: string;
  validFrom: number | null;
  validUntil: number | null;
  allowedDirections: readonly Direction[];
  /** Model id of the enrolled face template, or null when no template is enrolled. */
  enrolledTemplateModelId: string | null;
}

export interface VehicleFacts {
  vehicleId: string;
  validFrom: number | null;
  validUntil: number | null;
  allowedDirections: readonly Direction[];
  /**
   * Edit distance between the plate read and this vehicle's registered plate (0: exact). For a
   * lookup by EPC it is 0. The engine compares it with Policy.maxPlateMatchDistance.
   */
  matchDistance: number;
}

export const CARGO_STATUSES = ['cleared', 'hold', 'inspection'] as const;
export type CargoStatus = (typeof CARGO_STATUSES)[number];
export const LAB_TEST_STATUSES = ['passed', 'failed', 'pending'] as const;
export type LabTestStatus = (typeof LAB_TEST_STATUSES)[number];

/** Customs single-window clearance for the consignment the vehicle carries now. */
export interface CargoFacts {
  status: CargoStatus;
  cargoClass: string;
  labTestRequired: boolean;
  /** null: no lab test on record. */
  labTestStatus: LabTestStatus | null;
  validFrom: number | null;
  validUntil: number | null;
}

export const WATCHLIST_ACTIONS = ['deny', 'alert', 'refer'] as const;
export type WatchlistAction = (typeof WATCHLIST_ACTIONS)[number];
export const WATCHLIST_KINDS = ['person', 'document', 'face', 'vehicle', 'plate', 'epc'] as const;
export type WatchlistKind = (typeof WATCHLIST_KINDS)[number];

export interface WatchlistHit {
  kind: WatchlistKind;
  action: WatchlistAction;
  listId: string;
  /**
   * Similarity 0..1 for a 1:N face search candidate (the engine applies
   * Policy.watchlistFaceThreshold); null for exact identifier matches.
   */
  score: number | null;
}

export const STORE_PROBLEMS = ['disk-full', 'read-only', 'corrupt', 'unavailable'] as const;
export type StoreProblem = (typeof STORE_PROBLEMS)[number];

export interface Facts {
  /** false when the cache cannot be trusted or written (full disk, read-only, corrupt): fail secure. */
  storeHealthy: boolean;
  storeProblem?: StoreProblem | null;
  /**
   * Milliseconds since each list was last updated, keyed by list name (the names used by sync,
   * e.g. 'credentials', 'subjects', 'vehicles', 'cargo', 'watchlist'). A list never received may
   * be absent or Infinity; both count as stale when the policy names it.
   */
  listAgesMs: Readonly<Record<string, number>>;
  /** Lookup of Evidence.credential.idHash; null when not on file (or no credential presented). */
  credential: CredentialFacts | null;
  /** Subject of that credential (or of a 1:N face identification). */
  subject: SubjectFacts | null;
  /** Lookup of Evidence.vehicle.plate (possibly fuzzy, see matchDistance). */
  vehicleByPlate: VehicleFacts | null;
  /** Lookup of Evidence.vehicle.rfid.epc. */
  vehicleByEpc: VehicleFacts | null;
  cargo: CargoFacts | null;
  watchlistHits: readonly WatchlistHit[];
}

// ---------------------------------------------------------------------------------------------
// Policy: per-lane configuration. All fields required; see default-policies.ts for defaults.
// ---------------------------------------------------------------------------------------------

export interface Policy {
  lane: LaneKind;
  /** Direction this lane processes. */
  direction: Direction;

  /** People lane: the traveller's credential. Vehicle lane: the driver credential. */
  requireCredential: boolean;
  allowedCredentialKinds: readonly CredentialKind[];
  /** For 'travel-document' and 'border-pass' only; null: any issuer. */
  allowedIssuingStates: readonly string[] | null;
  /** Subject categories admitted on this lane; null: any. */
  allowedCategories: readonly string[] | null;

  requireFace: boolean;
  /** 1:1 match score must be >= this. */
  faceMatchThreshold: number;
  /** Face quality below this asks for a new capture. */
  minFaceQuality: number;
  /** Presentation-attack score >= this raises an alarm. */
  presentationAttackThreshold: number;
  /** A 1:N face watchlist candidate counts as a hit when its score is >= this. */
  watchlistFaceThreshold: number;

  /** Lists this lane depends on and their maximum age in ms; older or absent lists: CACHE_STALE. */
  maxListAgeMs: Readonly<Record<string, number>>;

  requirePlate: boolean;
  requireRfid: boolean;
  /** Plate OCR confidence below this asks for a new read. */
  minPlateConfidence: number;
  /** Largest accepted edit distance of a fuzzy plate lookup. */
  maxPlateMatchDistance: number;
  /** Vehicle lane: a customs clearance must be on file. */
  requireCargoClearance: boolean;
  /** Cargo classes that need a passed lab test (in addition to CargoFacts.labTestRequired). */
  labTestCargoClasses: readonly string[];

  /** Outcome while factors are still missing (the verdict is provisional, see Verdict.missing). */
  onMissingFactor: 'deny' | 'refer';
}

// ---------------------------------------------------------------------------------------------
// Verdict
// ---------------------------------------------------------------------------------------------

export const MISSING_FACTORS = ['credential', 'driver-credential', 'face', 'plate', 'rfid'] as const;
export type MissingFactor = (typeof MISSING_FACTORS)[number];

/** Stable strings, documented one by one in docs/reason-codes.md. Append only; never rename. */
export const REASON_CODES = [
  // fail secure: the engine cannot trust its inputs
  'STORE_UNAVAILABLE',
  'FACTS_INVALID',
  'POLICY_INVALID',
  'CLOCK_INVALID',
  'EVIDENCE_OUT_OF_RANGE',
  'EVIDENCE_CONTRADICTORY',
  'OVERRIDE_INVALID',
  'INTERNAL_ERROR',
  // cache
  'CACHE_STALE',
  // watchlists
  'WATCHLIST_DENY',
  'WATCHLIST_REFER',
  'WATCHLIST_ALERT',
  // lane security
  'TAILGATING',
  'PRESENTATION_ATTACK_SUSPECTED',
  'WRONG_WAY',
  // credential
  'CREDENTIAL_MISSING',
  'DRIVER_CREDENTIAL_MISSING',
  'CREDENTIAL_KIND_NOT_ALLOWED',
  'CREDENTIAL_ISSUER_NOT_ALLOWED',
  'CREDENTIAL_INVALID',
  'CREDENTIAL_NOT_FOUND',
  'CREDENTIAL_REVOKED',
  'CREDENTIAL_ALREADY_USED',
  'CREDENTIAL_NOT_YET_VALID',
  'CREDENTIAL_EXPIRED',
  // subject
  'SUBJECT_NOT_FOUND',
  'SUBJECT_NOT_YET_VALID',
  'SUBJECT_EXPIRED',
  'CATEGORY_NOT_ALLOWED',
  'DIRECTION_NOT_ALLOWED',
  // face
  'FACE_MISSING',
  'FACE_NOT_DETECTED',
  'FACE_QUALITY_LOW',
  'FACE_NOT_COMPARED',
  'FACE_TEMPLATE_NOT_ENROLLED',
  'FACE_MODEL_MISMATCH',
  'FACE_BELOW_THRESHOLD',
  // vehicle
  'PLATE_MISSING',
  'RFID_MISSING',
  'PLATE_LOW_CONFIDENCE',
  'PLATE_MATCH_UNCERTAIN',
  'VEHICLE_NOT_FOUND',
  'RFID_NOT_REGISTERED',
  'PLATE_RFID_MISMATCH',
  'VEHICLE_NOT_YET_VALID',
  'VEHICLE_EXPIRED',
  // cargo
  'CARGO_CLEARANCE_NOT_FOUND',
  'CARGO_ON_HOLD',
  'CARGO_INSPECTION_REQUIRED',
  'CARGO_CLEARANCE_NOT_YET_VALID',
  'CARGO_CLEARANCE_EXPIRED',
  'LAB_TEST_PENDING',
  'LAB_TEST_FAILED',
  // officer
  'OFFICER_OVERRIDE',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Verdict {
  outcome: Outcome;
  /** Every finding, unique, in REASON_CODES order. Never empty unless outcome is 'grant'. */
  reasons: ReasonCode[];
  /**
   * Factors the lane can still collect (ask for a face, re-read the plate ...). When non-empty the
   * verdict is provisional: outcome is Policy.onMissingFactor (never 'grant') and tells the lane
   * what to do if it cannot collect them. Empty whenever another finding already rules out a grant.
   */
  missing: MissingFactor[];
  /** Raise an alarm event (event/alarm) in addition to the outcome; true whenever outcome is 'alarm'. */
  alarm: boolean;
  /** Field paths (never values) that explain EVIDENCE_*, FACTS_INVALID, POLICY_INVALID, CACHE_STALE. */
  details: string[];
  /** Set when an officer override decided the outcome. */
  officerId?: string;
  /** clock.now() at decision time; 0 when the clock gave no usable time (CLOCK_INVALID). */
  decidedAt: number;
}

/** Structurally compatible with src/util/clock.ts Clock; the engine only reads the time. */
export interface DecisionClock {
  now(): number;
}
