import { present } from './guards.js';
import type { Finding } from './reason-effects.js';
import type { Evidence, Facts, Policy } from './types.js';

/** Lists older than the policy allows (or never received) cannot be trusted to grant. */
export function checkCacheAge(facts: Facts, policy: Policy): Finding[] {
  const out: Finding[] = [];
  for (const [list, maxAge] of Object.entries(policy.maxListAgeMs)) {
    const age = Object.prototype.hasOwnProperty.call(facts.listAgesMs, list) ? facts.listAgesMs[list] : undefined;
    if (age === undefined || !(age <= maxAge)) out.push({ code: 'CACHE_STALE', detail: `list:${list}` });
  }
  return out;
}

/**
 * The store matched the evidence against the watchlists; the engine applies the actions. Face
 * candidates from a 1:N search count only at or above the policy threshold.
 */
export function checkWatchlists(facts: Facts, policy: Policy): Finding[] {
  const out: Finding[] = [];
  for (const hit of facts.watchlistHits) {
    if (hit.kind === 'face' && hit.score !== null && hit.score < policy.watchlistFaceThreshold) continue;
    const code = hit.action === 'deny' ? 'WATCHLIST_DENY' : hit.action === 'refer' ? 'WATCHLIST_REFER' : 'WATCHLIST_ALERT';
    out.push({ code, detail: `watchlist:${hit.listId}` });
  }
  return out;
}

/** Signals that need no cache: more than one person or vehicle, a spoof, travel against the lane. */
export function checkLaneSecurity(evidence: Evidence, policy: Policy): Finding[] {
  const out: Finding[] = [];
  const occupancy = evidence.occupancy;
  const face = evidence.face;
  if (policy.lane === 'people') {
    // Several faces in a people lane's frame is the classic tailgating sign; in a cab it is a passenger.
    const persons = Math.max(occupancy?.personCount ?? 0, face?.faceCount ?? 0);
    if (persons > 1) out.push({ code: 'TAILGATING' });
  } else if ((occupancy?.vehicleCount ?? 0) > 1) {
    out.push({ code: 'TAILGATING' });
  }
  if (present(face) && face.presentationAttackScore >= policy.presentationAttackThreshold) {
    out.push({ code: 'PRESENTATION_ATTACK_SUSPECTED' });
  }
  if (present(evidence.observedDirection) && evidence.observedDirection !== policy.direction) {
    out.push({ code: 'WRONG_WAY' });
  }
  return out;
}
