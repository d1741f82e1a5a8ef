/**
 * The config's `policy:` section mapped onto the decision engine's Policy: the lane kind's defaults
 * (src/decision/default-policies.ts) with the keys a site may set. Pure; re-run on every config
 * reload so a new threshold applies to the next step.
 */
import { DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY, type Policy } from '../../decision/index.js';

export interface PolicyInputs {
  kind: 'people' | 'vehicle';
  direction: 'entry' | 'exit';
  policy: {
    maxListAgeMinutes: number;
    faceMatchThreshold: number;
    presentationAttackThreshold: number;
    requireDriverCredential: boolean;
    requireFace?: boolean | undefined;
  };
}

export function policyFor(c: PolicyInputs): Policy {
  const base = c.kind === 'people' ? DEFAULT_PEOPLE_POLICY : DEFAULT_VEHICLE_POLICY;
  // The configured age is a ceiling: lists the defaults want fresher (revocations) stay fresher.
  const ceiling = c.policy.maxListAgeMinutes * 60_000;
  const maxListAgeMs = Object.fromEntries(Object.entries(base.maxListAgeMs).map(([list, ms]) => [list, Math.min(ms, ceiling)]));
  return {
    ...base,
    direction: c.direction,
    faceMatchThreshold: c.policy.faceMatchThreshold,
    presentationAttackThreshold: c.policy.presentationAttackThreshold,
    requireFace: c.kind === 'people' ? (c.policy.requireFace ?? true) : false,
    requireCredential: c.kind === 'people' ? true : c.policy.requireDriverCredential,
    maxListAgeMs,
  };
}
