import { checkFace, isFaceUsable } from './face-checks.js';
import { present, windowState } from './guards.js';
import type { Finding } from './reason-effects.js';
import { verificationDetail } from './validate-evidence.js';
import type { CredentialEvidence, Evidence, Facts, Policy, SubjectFacts } from './types.js';

/** Document kinds that carry an issuing state; QR tokens are issued by the border system itself. */
const ISSUED_BY_A_STATE = new Set(['travel-document', 'border-pass']);

function checkCredential(c: CredentialEvidence, facts: Facts, policy: Policy, now: number): Finding[] {
  const out: Finding[] = [];
  if (!policy.allowedCredentialKinds.includes(c.kind)) out.push({ code: 'CREDENTIAL_KIND_NOT_ALLOWED' });
  if (policy.allowedIssuingStates !== null && ISSUED_BY_A_STATE.has(c.kind)) {
    if (c.issuingState === null || !policy.allowedIssuingStates.includes(c.issuingState)) {
      out.push({ code: 'CREDENTIAL_ISSUER_NOT_ALLOWED' });
    }
  }
  if (!c.verification.valid) out.push({ code: 'CREDENTIAL_INVALID', detail: verificationDetail(c.verification.reason) });
  // The credential's own dates (printed or signed) and the cache record's dates must both hold.
  const own = windowState(now, c.validFrom, c.validUntil);
  if (own === 'not-yet') out.push({ code: 'CREDENTIAL_NOT_YET_VALID' });
  if (own === 'expired') out.push({ code: 'CREDENTIAL_EXPIRED' });

  const record = facts.credential;
  if (record === null) {
    out.push({ code: 'CREDENTIAL_NOT_FOUND' });
    return out;
  }
  if (record.status === 'revoked') out.push({ code: 'CREDENTIAL_REVOKED' });
  if (record.status === 'used') out.push({ code: 'CREDENTIAL_ALREADY_USED' });
  const onFile = windowState(now, record.validFrom, record.validUntil);
  if (onFile === 'not-yet') out.push({ code: 'CREDENTIAL_NOT_YET_VALID' });
  if (onFile === 'expired') out.push({ code: 'CREDENTIAL_EXPIRED' });
  return out;
}

function checkSubject(s: SubjectFacts, policy: Policy, now: number): Finding[] {
  const out: Finding[] = [];
  const w = windowState(now, s.validFrom, s.validUntil);
  if (w === 'not-yet') out.push({ code: 'SUBJECT_NOT_YET_VALID' });
  if (w === 'expired') out.push({ code: 'SUBJECT_EXPIRED' });
  if (policy.allowedCategories !== null && !policy.allowedCategories.includes(s.category)) {
    out.push({ code: 'CATEGORY_NOT_ALLOWED' });
  }
  if (!s.allowedDirections.includes(policy.direction)) out.push({ code: 'DIRECTION_NOT_ALLOWED' });
  return out;
}

/**
 * The person at the lane: the traveller on a people lane, the driver on a vehicle lane. The
 * subject is identified through the credential, or, on lanes that do not require one, through
 * a 1:N face identification done by the store (facts.subject).
 */
export function checkPerson(evidence: Evidence, facts: Facts, policy: Policy, now: number): Finding[] {
  const credential = evidence.credential;
  const needed = policy.lane === 'people' || policy.requireCredential || policy.requireFace;
  if (!needed && !present(credential)) return [];

  const out: Finding[] = [];
  let subject: SubjectFacts | null = null;
  if (present(credential)) {
    out.push(...checkCredential(credential, facts, policy, now));
    if (facts.credential !== null) {
      subject = facts.subject;
      if (subject === null) out.push({ code: 'SUBJECT_NOT_FOUND' });
    }
  } else if (policy.requireCredential) {
    const code = policy.lane === 'vehicle' ? 'DRIVER_CREDENTIAL_MISSING' : 'CREDENTIAL_MISSING';
    out.push({ code, factor: policy.lane === 'vehicle' ? 'driver-credential' : 'credential' });
  } else if (isFaceUsable(evidence.face, policy)) {
    // Face-only lane: a usable face that the store could not identify is for an officer.
    subject = facts.subject;
    if (subject === null) out.push({ code: 'SUBJECT_NOT_FOUND' });
  }
  if (subject !== null) out.push(...checkSubject(subject, policy, now));
  out.push(...checkFace(evidence.face, subject, policy));
  return out;
}
