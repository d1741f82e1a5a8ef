import { checkCargo } from './cargo-checks.js';
import { present, windowState } from './guards.js';
import type { Finding } from './reason-effects.js';
import type { Evidence, Facts, Policy, VehicleFacts } from './types.js';

/**
 * Which registered vehicle is in the lane. Plate and tag, when both are read, must name the same
 * vehicle; a plate read with low confidence is asked for again only where the plate is required
 * (elsewhere the tag identifies the vehicle and the doubtful read is ignored).
 */
function identifyVehicle(evidence: Evidence, facts: Facts, policy: Policy, out: Finding[]): VehicleFacts | null {
  const plate = evidence.vehicle?.plate;
  const rfid = evidence.vehicle?.rfid;
  if (policy.requirePlate && !present(plate)) out.push({ code: 'PLATE_MISSING', factor: 'plate' });
  if (policy.requireRfid && !present(rfid)) out.push({ code: 'RFID_MISSING', factor: 'rfid' });

  let plateUsable = present(plate);
  if (present(plate) && plate.confidence < policy.minPlateConfidence) {
    plateUsable = false;
    if (policy.requirePlate) out.push({ code: 'PLATE_LOW_CONFIDENCE', factor: 'plate' });
  }
  const byPlate = plateUsable ? facts.vehicleByPlate : null;
  const byEpc = present(rfid) ? facts.vehicleByEpc : null;
  if (byPlate !== null && byPlate.matchDistance > policy.maxPlateMatchDistance) {
    out.push({ code: 'PLATE_MATCH_UNCERTAIN' });
  }

  if (plateUsable && present(rfid)) {
    if (byPlate === null && byEpc === null) out.push({ code: 'VEHICLE_NOT_FOUND' });
    else if (byPlate === null || byEpc === null || byPlate.vehicleId !== byEpc.vehicleId) {
      out.push({ code: 'PLATE_RFID_MISMATCH' });
      return null;
    }
  } else if (plateUsable && byPlate === null) {
    out.push({ code: 'VEHICLE_NOT_FOUND' });
  } else if (present(rfid) && byEpc === null) {
    out.push({ code: 'RFID_NOT_REGISTERED' });
  }
  return byPlate ?? byEpc;
}

export function checkVehicle(evidence: Evidence, facts: Facts, policy: Policy, now: number): Finding[] {
  const out: Finding[] = [];
  const vehicle = identifyVehicle(evidence, facts, policy, out);
  if (vehicle === null) return out;
  const w = windowState(now, vehicle.validFrom, vehicle.validUntil);
  if (w === 'not-yet') out.push({ code: 'VEHICLE_NOT_YET_VALID' });
  if (w === 'expired') out.push({ code: 'VEHICLE_EXPIRED' });
  if (!vehicle.allowedDirections.includes(policy.direction)) out.push({ code: 'DIRECTION_NOT_ALLOWED' });
  // Cargo is looked up by vehicle; without a vehicle other findings already stop the passage.
  out.push(...checkCargo(facts.cargo, policy, now));
  return out;
}
