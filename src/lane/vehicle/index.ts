export { initialVehicleState, stepVehicle } from './vehicle-machine.js';
export {
  DEFAULT_VEHICLE_TIMEOUTS,
  vehiclePassageLimitMs,
  type VehicleFlowConfig,
  type VehicleFlowState,
  type VehiclePassage,
  type VehiclePhase,
  type VehicleTimeouts,
} from './vehicle-types.js';
