import { applyOverride, combineFindings } from './combine.js';
import { checkCacheAge, checkLaneSecurity, checkWatchlists } from './common-checks.js';
import { isFiniteNumber } from './guards.js';
import { checkPerson } from './person-checks.js';
import type { Finding } from './reason-effects.js';
import type { DecisionClock, Evidence, Facts, OfficerOverride, Policy, Verdict } from './types.js';
import { validateEvidence } from './validate-evidence.js';
import { validateFacts } from './validate-facts.js';
import { validatePolicy } from './validate-policy.js';
import { checkVehicle } from './vehicle-checks.js';

function readClock(clock: DecisionClock): number | null {
  try {
    const t = clock.now();
    return isFiniteNumber(t) && t >= 0 ? t : null;
  } catch {
    return null;
  }
}

function decideChecked(evidence: Evidence, facts: Facts, policyInput: Policy, clock: DecisionClock): Verdict {
  const now = readClock(clock);
  const { findings: policyFindings, policy } = validatePolicy(policyInput);
  const ev = validateEvidence(evidence, policy?.lane);
  const fx = validateFacts(facts);

  const findings: Finding[] = [...policyFindings, ...ev.findings, ...fx.findings];
  if (now === null) findings.push({ code: 'CLOCK_INVALID' });

  // Each group of rules runs only on inputs it can trust; whatever was skipped has already left a
  // fail-secure finding above, so skipping never opens the barrier.
  if (policy !== null && now !== null) {
    if (fx.usable) findings.push(...checkCacheAge(facts, policy), ...checkWatchlists(facts, policy));
    if (ev.usable) findings.push(...checkLaneSecurity(evidence, policy));
    if (ev.usable && fx.usable) {
      findings.push(...checkPerson(evidence, facts, policy, now));
      if (policy.lane === 'vehicle') findings.push(...checkVehicle(evidence, facts, policy, now));
    }
  }

  const automatic = combineFindings(findings, policy?.onMissingFactor ?? 'refer', now ?? 0);
  return ev.override === null ? automatic : applyOverride(automatic, ev.override);
}

/**
 * Decides one passage: pure, synchronous, no I/O; the only time it knows is clock.now().
 * Never throws: malformed input yields a verdict with a reason code, and an unexpected fault in
 * the engine itself yields INTERNAL_ERROR (refer + alarm) so the lane stays shut.
 */
export function decide(evidence: Evidence, facts: Facts, policy: Policy, clock: DecisionClock): Verdict {
  try {
    return decideChecked(evidence, facts, policy, clock);
  } catch {
    const verdict = combineFindings([{ code: 'INTERNAL_ERROR' }], 'refer', readClock(clock) ?? 0);
    const override = safeOverride(evidence);
    return override === null ? verdict : applyOverride(verdict, override);
  }
}

function safeOverride(evidence: unknown): OfficerOverride | null {
  try {
    return validateEvidence(evidence, undefined).override;
  } catch {
    return null;
  }
}

