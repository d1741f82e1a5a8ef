import { REASON_RULES, type Finding } from './reason-effects.js';
import {
  MISSING_FACTORS,
  REASON_CODES,
  type MissingFactor,
  type OfficerOverride,
  type Outcome,
  type ReasonCode,
  type Verdict,
} from './types.js';

const REASON_ORDER: ReadonlyMap<ReasonCode, number> = new Map(REASON_CODES.map((c, i) => [c, i]));
const FACTOR_ORDER: ReadonlyMap<MissingFactor, number> = new Map(MISSING_FACTORS.map((f, i) => [f, i]));

/** Higher wins when findings disagree: an alarm beats a deny beats a refer beats a grant. */
const SEVERITY: Readonly<Record<Outcome, number>> = { grant: 0, refer: 1, deny: 2, alarm: 3 };

const byIndex = <T>(order: ReadonlyMap<T, number>) => (a: T, b: T) => (order.get(a) ?? 0) - (order.get(b) ?? 0);

/**
 * Folds findings into a verdict. Definitive findings (refer/deny/alarm) fix the outcome at the most
 * severe one and make collecting more factors pointless, so `missing` is then empty. With only
 * 'collect' findings the verdict is provisional: outcome = onMissingFactor, missing lists factors.
 */
export function combineFindings(findings: readonly Finding[], onMissingFactor: 'deny' | 'refer', decidedAt: number): Verdict {
  let definitive: Outcome = 'grant';
  let alarm = false;
  const reasons = new Set<ReasonCode>();
  const factors = new Set<MissingFactor>();
  const details = new Set<string>();

  for (const f of findings) {
    const rule = REASON_RULES[f.code];
    reasons.add(f.code);
    if (f.detail !== undefined) details.add(f.detail);
    if (rule.alarm) alarm = true;
    if (rule.effect === 'collect') {
      if (f.factor !== undefined) factors.add(f.factor);
    } else if (rule.effect !== 'note' && SEVERITY[rule.effect] > SEVERITY[definitive]) {
      definitive = rule.effect;
    }
  }

  let outcome: Outcome = definitive;
  let missing: MissingFactor[] = [];
  if (definitive === 'grant' && factors.size > 0) {
    outcome = onMissingFactor;
    missing = [...factors].sort(byIndex(FACTOR_ORDER));
  }

  return {
    outcome,
    reasons: [...reasons].sort(byIndex(REASON_ORDER)),
    missing,
    alarm: alarm || outcome === 'alarm',
    details: [...details],
    decidedAt,
  };
}

/**
 * An officer's decision replaces the outcome but never hides what the engine found: the automatic
 * reasons stay in the verdict (and so in the journal) next to OFFICER_OVERRIDE and the officer id.
 */
export function applyOverride(automatic: Verdict, override: OfficerOverride): Verdict {
  const reasons = automatic.reasons.includes('OFFICER_OVERRIDE')
    ? automatic.reasons
    : [...automatic.reasons, 'OFFICER_OVERRIDE' as const].sort(byIndex(REASON_ORDER));
  return {
    ...automatic,
    outcome: override.outcome,
    reasons,
    missing: [],
    alarm: automatic.alarm || override.outcome === 'alarm',
    officerId: override.officerId,
  };
}
