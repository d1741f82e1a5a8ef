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

export const T0 = 1_700_000_000_000;

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

type Input = VehicleFlowEvent extends infer E ? (E extends VehicleFlowEvent ? Omit<E, 'at'> & { at?: number } : never) : never;

export class VehicleLane {
  state: VehicleFlowState = initialVehicleState();
  at = T0;
  readonly all: FlowEffect[] = [];

  constructor(readonly config: VehicleFlowConfig = CONFIG) {}

  send(e: Input): FlowEffect[] {
    this.at = e.at ?? this.at + 100;
    const step = stepVehicle(this.config, this.state, { ...e, at: this.at } as VehicleFlowEvent);
    this.state = step.state;
    this.all.push(...step.effects);
    return step.effects;
  }

  timeout(): FlowEffect[] {
    const t = this.state.timer;
    if (!t) throw new Error(`no timer armed in phase ${this.state.phase}`);
    return this.send({ type: 'timer', name: t.name, at: t.dueAt });
  }

  get ref(): string {
    return this.state.passage?.ref ?? 'none';
  }

  /** Loop occupied, plate and tag read: returns the effects of the last read (lookup requested). */
  arrive(): FlowEffect[] {
    this.send({ type: 'loop', occupied: true });
    this.send({ type: 'plate-read', camera: 'front', plate: PLATE });
    return this.send({ type: 'rfid-read', rfid: { epc: EPC, tid: null } });
  }
}

export const of = <T extends FlowEffect['type']>(effects: FlowEffect[], type: T): Extract<FlowEffect, { type: T }>[] =>
  effects.filter((e): e is Extract<FlowEffect, { type: T }> => e.type === type);
