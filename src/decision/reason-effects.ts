import type { MissingFactor, ReasonCode } from './types.js';

/**
 * What each reason code does to the verdict. 'collect' marks a factor the lane can still gather
 * (the verdict stays provisional); 'note' is informational and leaves the outcome alone.
 * docs/reason-codes.md repeats this table and a unit test keeps the two identical.
 */
export type ReasonEffect = 'deny' | 'refer' | 'alarm' | 'collect' | 'note';

export interface ReasonRule {
  effect: ReasonEffect;
  /** Raise an alarm event whatever the final outcome. */
  alarm: boolean;
}

const rule = (effect: ReasonEffect, alarm = false): ReasonRule => ({ effect, alarm: alarm || effect === 'alarm' });

export const REASON_RULES: Readonly<Record<ReasonCode, ReasonRule>> = {
  STORE_UNAVAILABLE: rule('refer', true),
  FACTS_INVALID: rule('refer', true),
  POLICY_INVALID: rule('refer', true),
  CLOCK_INVALID: rule('refer', true),
  EVIDENCE_OUT_OF_RANGE: rule('refer'),
  EVIDENCE_CONTRADICTORY: rule('refer'),
  OVERRIDE_INVALID: rule('refer'),
  INTERNAL_ERROR: rule('refer', true),
  CACHE_STALE: rule('refer'),
  WATCHLIST_DENY: rule('deny', true),
  WATCHLIST_REFER: rule('refer'),
  WATCHLIST_ALERT: rule('note', true),
  TAILGATING: rule('alarm'),
  PRESENTATION_ATTACK_SUSPECTED: rule('alarm'),
  WRONG_WAY: rule('alarm'),
  CREDENTIAL_MISSING: rule('collect'),
  DRIVER_CREDENTIAL_MISSING: rule('collect'),
  CREDENTIAL_KIND_NOT_ALLOWED: rule('deny'),
  CREDENTIAL_ISSUER_NOT_ALLOWED: rule('deny'),
  CREDENTIAL_INVALID: rule('deny'),
  CREDENTIAL_NOT_FOUND: rule('deny'),
  CREDENTIAL_REVOKED: rule('deny'),
  CREDENTIAL_ALREADY_USED: rule('deny'),
  CREDENTIAL_NOT_YET_VALID: rule('deny'),
  CREDENTIAL_EXPIRED: rule('deny'),
  SUBJECT_NOT_FOUND: rule('refer'),
  SUBJECT_NOT_YET_VALID: rule('deny'),
  SUBJECT_EXPIRED: rule('deny'),
  CATEGORY_NOT_ALLOWED: rule('deny'),
  DIRECTION_NOT_ALLOWED: rule('deny'),
  FACE_MISSING: rule('collect'),
  FACE_NOT_DETECTED: rule('collect'),
  FACE_QUALITY_LOW: rule('collect'),
  FACE_NOT_COMPARED: rule('collect'),
  FACE_TEMPLATE_NOT_ENROLLED: rule('refer'),
  FACE_MODEL_MISMATCH: rule('refer'),
  FACE_BELOW_THRESHOLD: rule('refer'),
  PLATE_MISSING: rule('collect'),
  RFID_MISSING: rule('collect'),
  PLATE_LOW_CONFIDENCE: rule('collect'),
  PLATE_MATCH_UNCERTAIN: rule('refer'),
  VEHICLE_NOT_FOUND: rule('refer'),
  RFID_NOT_REGISTERED: rule('refer'),
  PLATE_RFID_MISMATCH: rule('refer'),
  VEHICLE_NOT_YET_VALID: rule('deny'),
  VEHICLE_EXPIRED: rule('deny'),
  CARGO_CLEARANCE_NOT_FOUND: rule('refer'),
  CARGO_ON_HOLD: rule('refer'),
  CARGO_INSPECTION_REQUIRED: rule('refer'),
  CARGO_CLEARANCE_NOT_YET_VALID: rule('refer'),
  CARGO_CLEARANCE_EXPIRED: rule('refer'),
  LAB_TEST_PENDING: rule('refer'),
  LAB_TEST_FAILED: rule('deny'),
  OFFICER_OVERRIDE: rule('note'),
};

/** One thing a check found. factor is set for 'collect' codes; detail is a field path or list name. */
export interface Finding {
  code: ReasonCode;
  factor?: MissingFactor;
  detail?: string;
}
