import { windowState } from './guards.js';
import type { Finding } from './reason-effects.js';
import type { CargoFacts, Policy } from './types.js';

/** Customs single-window clearance of the identified vehicle's consignment. */
export function checkCargo(cargo: CargoFacts | null, policy: Policy, now: number): Finding[] {
  if (cargo === null) return policy.requireCargoClearance ? [{ code: 'CARGO_CLEARANCE_NOT_FOUND' }] : [];
  // A clearance on file is evaluated even on lanes that do not require one: a hold is a hold.
  const out: Finding[] = [];
  if (cargo.status === 'hold') out.push({ code: 'CARGO_ON_HOLD' });
  if (cargo.status === 'inspection') out.push({ code: 'CARGO_INSPECTION_REQUIRED' });
  const w = windowState(now, cargo.validFrom, cargo.validUntil);
  if (w === 'not-yet') out.push({ code: 'CARGO_CLEARANCE_NOT_YET_VALID' });
  if (w === 'expired') out.push({ code: 'CARGO_CLEARANCE_EXPIRED' });
  const labTestNeeded = cargo.labTestRequired || policy.labTestCargoClasses.includes(cargo.cargoClass);
  if (labTestNeeded) {
    if (cargo.labTestStatus === 'failed') out.push({ code: 'LAB_TEST_FAILED' });
    else if (cargo.labTestStatus !== 'passed') out.push({ code: 'LAB_TEST_PENDING' });
  }
  return out;
}
