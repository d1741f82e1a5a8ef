/**
 * How one lane's flow is wired to its devices, resolved from the config's `flow:` section by
 * flow-wiring.ts (src/settings/flow-wiring.schema.ts validates it). Plain data: the runner needs
 * no config types.
 */
import type { PeopleTimeouts } from '../people/people-types.js';
import type { VehicleTimeouts } from '../vehicle/vehicle-types.js';
import type { ActuatorTarget } from '../flow-types.js';
import type { InterlockConfig } from '../interlocks/types.js';

interface WiringCommon {
  /** Flow target -> barrier device name (`entry-door`/`exit-door` or `barrier`). */
  targets: Partial<Record<ActuatorTarget, string>>;
  interlock: InterlockConfig;
  /** Devices whose fault suspends the passage flow (readers, cameras, barriers, sensors). */
  neededDevices: readonly string[];
}

export interface PeopleWiring extends WiringCommon {
  kind: 'people';
  entryBeam: string;
  exitBeam: string;
  timeouts: PeopleTimeouts;
  faceFrames: number;
  maxFaceAttempts: number;
}

export interface VehicleWiring extends WiringCommon {
  kind: 'vehicle';
  loop: string;
  timeouts: VehicleTimeouts;
  rearCamera: boolean;
}

export type RunnerWiring = PeopleWiring | VehicleWiring;
