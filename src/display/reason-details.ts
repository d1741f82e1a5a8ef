import type { ReasonCode } from '../decision/types.js';
import type { Detail } from './display-state.js';

/**
 * Which explanation, if any, the lane screen gives for a decision reason. The screen faces the
 * public queue, so:
 * - security findings (watchlists, presentation attacks, a plate that does not match its tag, an
 *   officer override) are never explained: telling a suspect what tripped the lane helps them and
 *   nobody else; the screen just says to wait for an officer;
 * - internal faults collapse into one "this lane cannot check you now";
 * - the rest become a short, non-identifying sentence the traveller can act on.
 * A Record keyed by every ReasonCode makes the compiler refuse a new code until it is placed here.
 */
export const REASON_DETAILS: Readonly<Record<ReasonCode, Detail | null>> = {
  STORE_UNAVAILABLE: 'lane-unavailable',
  FACTS_INVALID: 'lane-unavailable',
  POLICY_INVALID: 'lane-unavailable',
  CLOCK_INVALID: 'lane-unavailable',
  EVIDENCE_OUT_OF_RANGE: null,
  EVIDENCE_CONTRADICTORY: null,
  OVERRIDE_INVALID: null,
  INTERNAL_ERROR: 'lane-unavailable',
  CACHE_STALE: 'lane-unavailable',
  WATCHLIST_DENY: null,
  WATCHLIST_REFER: null,
  WATCHLIST_ALERT: null,
  TAILGATING: 'one-at-a-time',
  PRESENTATION_ATTACK_SUSPECTED: null,
  WRONG_WAY: 'wrong-way',
  CREDENTIAL_MISSING: 'credential-needed',
  DRIVER_CREDENTIAL_MISSING: 'driver-pass-needed',
  CREDENTIAL_KIND_NOT_ALLOWED: 'credential-not-valid',
  CREDENTIAL_ISSUER_NOT_ALLOWED: 'credential-not-valid',
  CREDENTIAL_INVALID: 'credential-not-valid',
  CREDENTIAL_NOT_FOUND: 'credential-not-valid',
  CREDENTIAL_REVOKED: 'credential-not-valid',
  CREDENTIAL_ALREADY_USED: 'credential-already-used',
  CREDENTIAL_NOT_YET_VALID: 'credential-not-yet-valid',
  CREDENTIAL_EXPIRED: 'credential-expired',
  SUBJECT_NOT_FOUND: 'credential-not-valid',
  SUBJECT_NOT_YET_VALID: 'credential-not-yet-valid',
  SUBJECT_EXPIRED: 'credential-expired',
  CATEGORY_NOT_ALLOWED: 'credential-not-valid',
  DIRECTION_NOT_ALLOWED: 'credential-not-valid',
  FACE_MISSING: 'face-not-seen',
  FACE_NOT_DETECTED: 'face-not-seen',
  FACE_QUALITY_LOW: 'face-not-seen',
  FACE_NOT_COMPARED: null,
  FACE_TEMPLATE_NOT_ENROLLED: 'face-not-verified',
  FACE_MODEL_MISMATCH: null,
  FACE_BELOW_THRESHOLD: 'face-not-verified',
  PLATE_MISSING: 'plate-unread',
  RFID_MISSING: 'vehicle-tag-unread',
  PLATE_LOW_CONFIDENCE: 'plate-unread',
  PLATE_MATCH_UNCERTAIN: 'plate-unread',
  VEHICLE_NOT_FOUND: 'vehicle-not-authorised',
  RFID_NOT_REGISTERED: 'vehicle-not-authorised',
  PLATE_RFID_MISMATCH: null,
  VEHICLE_NOT_YET_VALID: 'vehicle-not-authorised',
  VEHICLE_EXPIRED: 'vehicle-not-authorised',
  CARGO_CLEARANCE_NOT_FOUND: 'cargo-not-cleared',
  CARGO_ON_HOLD: 'cargo-not-cleared',
  CARGO_INSPECTION_REQUIRED: 'cargo-inspection',
  CARGO_CLEARANCE_NOT_YET_VALID: 'cargo-not-cleared',
  CARGO_CLEARANCE_EXPIRED: 'cargo-not-cleared',
  LAB_TEST_PENDING: 'cargo-not-cleared',
  LAB_TEST_FAILED: 'cargo-not-cleared',
  OFFICER_OVERRIDE: null,
};

/**
 * The explanation for a verdict: the first reason (verdicts list them in REASON_CODES order, faults
 * first) that has one. Unknown strings are skipped rather than trusted: this runs on the lane's hot
 * path and must not throw.
 */
export function detailForReasons(reasons: readonly string[]): Detail | undefined {
  for (const reason of reasons) {
    if (!Object.prototype.hasOwnProperty.call(REASON_DETAILS, reason)) continue;
    const detail = REASON_DETAILS[reason as ReasonCode];
    if (detail) return detail;
  }
  return undefined;
}
