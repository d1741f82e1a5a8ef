import {
  isArrayOf,
  isCount,
  isHex,
  isNonEmptyString,
  isObject,
  isOneOf,
  isString,
  isTimeOrNull,
  isUnitScore,
  present,
} from './guards.js';
import type { Finding } from './reason-effects.js';
import { CREDENTIAL_KINDS, OUTCOMES, type LaneKind, type OfficerOverride } from './types.js';

export interface EvidenceCheck {
  /** EVIDENCE_OUT_OF_RANGE / EVIDENCE_CONTRADICTORY / OVERRIDE_INVALID findings. */
  findings: Finding[];
  /** True when every part present is well-formed, so the rule checks may read it. */
  usable: boolean;
  /** The override, only when it is well-formed. */
  override: OfficerOverride | null;
}

const STATE_CODE = /^[A-Z<]{2,3}$/;
const COUNTRY = /^[A-Z]{2}$/;
const MACHINE_WORD = /^[a-z0-9-]{1,40}$/;

type Report = (path: string) => void;

function checkCredential(c: unknown, bad: Report, odd: Report): void {
  if (!isObject(c)) return bad('credential');
  if (!isOneOf(CREDENTIAL_KINDS, c.kind)) bad('credential.kind');
  // 64-bit to 512-bit digests; anything else is not a hash this system produces.
  if (!isHex(c.idHash, 16, 128)) bad('credential.idHash');
  const v = c.verification;
  if (!isObject(v) || typeof v.valid !== 'boolean' || (v.valid === false && !isString(v.reason))) {
    bad('credential.verification');
  }
  if (!isTimeOrNull(c.validFrom)) bad('credential.validFrom');
  if (!isTimeOrNull(c.validUntil)) bad('credential.validUntil');
  if (isTimeOrNull(c.validFrom) && isTimeOrNull(c.validUntil) && c.validFrom !== null && c.validUntil !== null) {
    if (c.validFrom >= c.validUntil) odd('credential.validity');
  }
  if (!(c.nationality === null || (isString(c.nationality) && STATE_CODE.test(c.nationality)))) bad('credential.nationality');
  if (!(c.issuingState === null || (isString(c.issuingState) && STATE_CODE.test(c.issuingState)))) bad('credential.issuingState');
}

function checkFace(f: unknown, bad: Report, odd: Report): void {
  if (!isObject(f)) return bad('face');
  if (!(f.matchScore === null || isUnitScore(f.matchScore))) bad('face.matchScore');
  if (!isNonEmptyString(f.modelId, 128)) bad('face.modelId');
  if (!isUnitScore(f.quality)) bad('face.quality');
  if (!isUnitScore(f.presentationAttackScore)) bad('face.presentationAttackScore');
  if (!isArrayOf(f.presentationAttackReasons, isString)) bad('face.presentationAttackReasons');
  if (!isCount(f.faceCount)) bad('face.faceCount');
  // A score against the enrolled template needs a face to have been compared.
  else if (f.faceCount === 0 && f.matchScore !== null && f.matchScore !== undefined) odd('face.faceCount');
}

function checkVehicle(v: unknown, lane: LaneKind | undefined, bad: Report, odd: Report): void {
  if (!isObject(v)) return bad('vehicle');
  if (lane === 'people') odd('vehicle');
  const { plate, rfid } = v;
  if (present(plate)) {
    if (!isObject(plate)) bad('vehicle.plate');
    else {
      if (!isNonEmptyString(plate.text, 32) || /\s/.test(plate.text)) bad('vehicle.plate.text');
      if (!isString(plate.country) || !COUNTRY.test(plate.country)) bad('vehicle.plate.country');
      if (!isUnitScore(plate.confidence)) bad('vehicle.plate.confidence');
    }
  }
  if (present(rfid)) {
    if (!isObject(rfid)) bad('vehicle.rfid');
    else {
      if (!isHex(rfid.epc, 4, 124)) bad('vehicle.rfid.epc');
      if (!(rfid.tid === null || isHex(rfid.tid, 4, 124))) bad('vehicle.rfid.tid');
    }
  }
}

function checkOccupancy(o: unknown, bad: Report): void {
  if (!isObject(o)) return bad('occupancy');
  if (!(o.personCount === null || isCount(o.personCount))) bad('occupancy.personCount');
  if (!(o.vehicleCount === null || isCount(o.vehicleCount))) bad('occupancy.vehicleCount');
}

function checkOverride(o: unknown, findings: Finding[]): OfficerOverride | null {
  const invalid = (path: string): null => {
    findings.push({ code: 'OVERRIDE_INVALID', detail: path });
    return null;
  };
  if (!isObject(o)) return invalid('override');
  // Officer ids are short badge/account ids; a control character would corrupt the journal line.
  if (!isNonEmptyString(o.officerId, 64) || /[\u0000-\u001f\u007f]/.test(o.officerId)) return invalid('override.officerId');
  if (!isOneOf(OUTCOMES, o.outcome)) return invalid('override.outcome');
  if (!isNonEmptyString(o.reason, 1000)) return invalid('override.reason');
  return { officerId: o.officerId, outcome: o.outcome, reason: o.reason };
}

/** Range and consistency checks of Evidence. lane is undefined when the policy itself is unusable. */
export function validateEvidence(evidence: unknown, lane: LaneKind | undefined): EvidenceCheck {
  const findings: Finding[] = [];
  if (!isObject(evidence)) {
    return { findings: [{ code: 'EVIDENCE_OUT_OF_RANGE', detail: 'evidence' }], usable: false, override: null };
  }
  const bad: Report = (path) => findings.push({ code: 'EVIDENCE_OUT_OF_RANGE', detail: path });
  const odd: Report = (path) => findings.push({ code: 'EVIDENCE_CONTRADICTORY', detail: path });

  if (present(evidence.credential)) checkCredential(evidence.credential, bad, odd);
  if (present(evidence.face)) checkFace(evidence.face, bad, odd);
  if (present(evidence.vehicle)) checkVehicle(evidence.vehicle, lane, bad, odd);
  if (present(evidence.occupancy)) checkOccupancy(evidence.occupancy, bad);
  if (present(evidence.observedDirection) && !isOneOf(['entry', 'exit'] as const, evidence.observedDirection)) {
    bad('observedDirection');
  }
  const usable = findings.length === 0;
  const override = present(evidence.override) ? checkOverride(evidence.override, findings) : null;
  return { findings, usable, override };
}

/** Verifier reasons are machine words from src/credentials; anything else stays out of the verdict. */
export function verificationDetail(reason: string): string {
  return MACHINE_WORD.test(reason) ? `credential.verification:${reason}` : 'credential.verification';
}
