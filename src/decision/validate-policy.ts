import { isArrayOf, isFiniteNumber, isNonEmptyString, isNonNegative, isObject, isOneOf, isString, isUnitScore } from './guards.js';
import type { Finding } from './reason-effects.js';
import { CREDENTIAL_KINDS, type CredentialKind, type Policy } from './types.js';

const isCredentialKind = (v: unknown): v is CredentialKind => isOneOf(CREDENTIAL_KINDS, v);
const isNullOrStrings = (v: unknown): boolean => v === null || isArrayOf(v, isString);

/**
 * The policy comes from validated config, but a policy the engine cannot read must not turn into
 * grants, so it is checked again (cheaply) on every decision. Returns POLICY_INVALID findings.
 */
export function validatePolicy(policy: unknown): { findings: Finding[]; policy: Policy | null } {
  if (!isObject(policy)) return { findings: [{ code: 'POLICY_INVALID', detail: 'policy' }], policy: null };
  const p = policy;
  const paths: string[] = [];
  const need = (ok: boolean, path: string) => {
    if (!ok) paths.push(`policy.${path}`);
  };

  need(isOneOf(['people', 'vehicle'] as const, p.lane), 'lane');
  need(isOneOf(['entry', 'exit'] as const, p.direction), 'direction');
  for (const key of ['requireCredential', 'requireFace', 'requirePlate', 'requireRfid', 'requireCargoClearance'] as const) {
    need(typeof p[key] === 'boolean', key);
  }
  need(isArrayOf(p.allowedCredentialKinds, isCredentialKind), 'allowedCredentialKinds');
  need(isNullOrStrings(p.allowedIssuingStates), 'allowedIssuingStates');
  need(isNullOrStrings(p.allowedCategories), 'allowedCategories');
  for (const key of ['faceMatchThreshold', 'minFaceQuality', 'presentationAttackThreshold', 'watchlistFaceThreshold', 'minPlateConfidence'] as const) {
    need(isUnitScore(p[key]), key);
  }
  need(isNonNegative(p.maxPlateMatchDistance), 'maxPlateMatchDistance');
  need(isArrayOf(p.labTestCargoClasses, isString), 'labTestCargoClasses');
  need(isOneOf(['deny', 'refer'] as const, p.onMissingFactor), 'onMissingFactor');
  if (!isObject(p.maxListAgeMs)) need(false, 'maxListAgeMs');
  else {
    for (const [name, age] of Object.entries(p.maxListAgeMs)) {
      need(isNonEmptyString(name, 128) && isFiniteNumber(age) && age >= 0, `maxListAgeMs.${name}`);
    }
  }
  // A lane must identify what passes: a traveller by credential or face, a vehicle by plate or tag.
  if (p.lane === 'people') need(p.requireCredential === true || p.requireFace === true, 'requireCredential');
  if (p.lane === 'vehicle') need(p.requirePlate === true || p.requireRfid === true, 'requirePlate');

  if (paths.length > 0) return { findings: paths.map((detail) => ({ code: 'POLICY_INVALID', detail })), policy: null };
  return { findings: [], policy: policy as unknown as Policy };
}
