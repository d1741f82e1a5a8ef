import { DEFAULT_VEHICLE_POLICY } from '../../../../src/decision/index.js';
import type { CredentialEvidence, Facts, PlateRead, VehicleFacts } from '../../../../src/decision/types.js';
import type { FlowEffect, VehicleFlowEvent } from '../../../../src/lane/flow-types.js';
import {
  DEFAULT_VEHICLE_TIMEOUTS,
  initialVehicleState,
  stepVehicle,
  type VehicleFlowConfig,
  type VehicleFlowState,
} from '../../../../src/lane/vehicle/index.js';
import { LaneDriver } from '../flow-test-kit.js';

export { T0, of } from '../flow-test-kit.js';

export const CONFIG: VehicleFlowConfig = { policy: { ...DEFAULT_VEHICLE_POLICY }, timeouts: { ...DEFAULT_VEHICLE_TIMEOUTS }, rearCamera: false };

export const PLATE: PlateRead = { text: '29A12345', country: 'VN', confidence: 0.95 };
export const EPC = '3074257bf7194e4000001a85';

export const DRIVER: CredentialEvidence = {
  kind: 'border-pass',
  idHash: 'cd'.repeat(32),
  verification: { valid: true },
  validFrom: null,
  validUntil: null,
  nationality: 'CHN',
  issuingState: 'CHN',
};

export function vehicle(over: Partial<VehicleFacts> = {}): VehicleFacts {
  return { vehicleId: 'veh-1', validFrom: null, validUntil: null, allowedDirections: ['entry'], matchDistance: 0, ...over };
}

export function facts(over: Partial<Facts> = {}): Facts {
  return {
    storeHealthy: true,
    listAgesMs: { vehicles: 1_000, cargo: 1_000, watchlist: 1_000 },
    credential: null,
    subject: null,
    vehicleByPlate: vehicle(),
    vehicleByEpc: vehicle(),
    cargo: { status: 'cleared', cargoClass: 'machinery', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null },
    watchlistHits: [],
    ...over,
  };
}

export class VehicleLane extends LaneDriver<VehicleFlowConfig, VehicleFlowState, VehicleFlowEvent> {
  constructor(config: VehicleFlowConfig = CONFIG) {
    super(config, stepVehicle, initialVehicleState());
  }

  /** Loop occupied, plate and tag read: returns the effects of the last read (lookup requested). */
  arrive(): FlowEffect[] {
    this.send({ type: 'loop', occupied: true });
    this.send({ type: 'plate-read', camera: 'front', plate: PLATE });
    return this.send({ type: 'rfid-read', rfid: { epc: EPC, tid: null } });
  }
}
