/**
 * Builds the lane runner from a validated config: resolves the `flow:` section into RunnerWiring
 * (barrier roles, presence inputs, timeouts) and plugs the adapters into the runner's ports. The
 * composition root calls it; tests can call it with their own devices and store.
 */
import type { LaneDisplay } from '../../display/display-state.js';
import type { Policy } from '../../decision/types.js';
import type { FlowSection } from '../../settings/flow-wiring.schema.js';
import type { Store } from '../../store/index.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { InterlockBarrierConfig } from '../interlocks/types.js';
import { DEFAULT_PEOPLE_TIMEOUTS, type PeopleTimeouts } from '../people/people-types.js';
import { DEFAULT_VEHICLE_TIMEOUTS, type VehicleTimeouts } from '../vehicle/vehicle-types.js';
import { CredentialSource, trustListOf } from './credential-source.js';
import { attachDevices, barrierActuators, laneSignal, scannerReadWindows, type LaneDevice } from './device-adapters.js';
import { LaneRunner, type RunnerInputs } from './lane-runner.js';
import type { FacePort } from './ports.js';
import type { RunnerWiring } from './runner-config.js';
import { StoreAdapter } from './store-adapter.js';
import { readWindows } from './vision-adapters.js';
import { faceWiring, plateWiring } from './vision-wiring.js';

export interface BuildRunnerDeps {
  kind: 'people' | 'vehicle';
  flow: FlowSection;
  devices: readonly LaneDevice[];
  store: Pick<Store, 'factsFor' | 'journal' | 'outbox' | 'keyedHash' | 'faces' | 'tokens'>;
  display: LaneDisplay | null;
  clock: Clock;
  log: Logger;
  policy(): Policy;
  /** Signed-QR signer certificates, already read from `flow.qrSigners`. */
  qrSigners: readonly (Uint8Array | string)[];
  /** Replaces the face camera's pipeline (tests); default: vision-wiring.ts on flow.faceCamera. */
  faces?: FacePort | null;
  dependsOn?: readonly string[];
  /** After each commit that wrote outbox rows (StoreAdapterOptions.outboxCommitted). */
  outboxCommitted?: () => void;
}

const READER_KINDS = new Set(['scanner', 'mrz']);

export function resolveWiring(kind: 'people' | 'vehicle', flow: FlowSection, devices: readonly LaneDevice[]): RunnerWiring {
  const roleOf = (name: string): InterlockBarrierConfig['role'] => {
    const d = devices.find((x) => x.name === name)?.driver as { role?: InterlockBarrierConfig['role'] } | undefined;
    return d?.role ?? (kind === 'people' ? 'egress-door' : 'vehicle-barrier');
  };
  const readers = flow.readers ?? devices.filter((d) => READER_KINDS.has(d.kind)).map((d) => d.name);
  if (kind === 'people') {
    const entry = flow.entryDoor!;
    const exit = flow.exitDoor!;
    const timeouts: PeopleTimeouts = { ...DEFAULT_PEOPLE_TIMEOUTS };
    for (const k of Object.keys(timeouts) as (keyof PeopleTimeouts)[]) if (flow.timeouts[k] !== undefined) timeouts[k] = flow.timeouts[k]!;
    return {
      kind,
      targets: { 'entry-door': entry.barrier, 'exit-door': exit.barrier },
      interlock: {
        barriers: [
          { id: entry.barrier, role: roleOf(entry.barrier), presence: entry.presence },
          { id: exit.barrier, role: roleOf(exit.barrier), presence: exit.presence },
        ],
      },
      neededDevices: [...readers, entry.barrier, exit.barrier, ...(flow.faceCamera ? [flow.faceCamera] : [])],
      entryBeam: flow.entryBeam!,
      exitBeam: flow.exitBeam!,
      timeouts,
      faceFrames: flow.faceFrames,
      maxFaceAttempts: flow.maxFaceAttempts,
    };
  }
  const b = flow.barrier!;
  const timeouts: VehicleTimeouts = { ...DEFAULT_VEHICLE_TIMEOUTS };
  for (const k of Object.keys(timeouts) as (keyof VehicleTimeouts)[]) if (flow.timeouts[k] !== undefined) timeouts[k] = flow.timeouts[k]!;
  const rfid = flow.rfidReaders ?? devices.filter((d) => d.kind === 'rfid').map((d) => d.name);
  return {
    kind,
    targets: { barrier: b.barrier },
    interlock: { barriers: [{ id: b.barrier, role: roleOf(b.barrier), presence: b.presence }] },
    neededDevices: [b.barrier, flow.frontCamera!, ...(flow.rearCamera ? [flow.rearCamera] : []), ...rfid],
    loop: flow.loop!,
    timeouts,
    rearCamera: flow.rearCamera !== undefined,
  };
}

export function buildLaneRunner(deps: BuildRunnerDeps): { runner: LaneRunner; problems: string[] } {
  const { flow, devices } = deps;
  const wiring = resolveWiring(deps.kind, flow, devices);
  const readers = flow.readers ?? devices.filter((d) => READER_KINDS.has(d.kind)).map((d) => d.name);
  const rfidReaders = flow.rfidReaders ?? devices.filter((d) => d.kind === 'rfid').map((d) => d.name);
  // Sensors feeding presence/emergency are needed too: their loss makes every input unknown.
  const sensors = devices.filter((d) => d.kind === 'sensor').map((d) => d.name);
  const needed = [...wiring.neededDevices, ...sensors];
  const { trustList, problems } = trustListOf(deps.qrSigners);
  let inputs: RunnerInputs | null = null;
  const face = deps.kind === 'people' && deps.faces === undefined ? faceWiring(devices, flow.faceCamera, deps.store, deps.clock) : null;
  const plates = deps.kind === 'vehicle' ? plateWiring(devices, { front: flow.frontCamera, rear: flow.rearCamera }, deps.clock, deps.log, () => inputs!) : null;
  const storeAdapter = new StoreAdapter(deps.store, {
    maxPlateDistance: () => deps.policy().maxPlateMatchDistance,
    outboxCommitted: deps.outboxCommitted,
  });
  const runner = new LaneRunner({
    wiring: { ...wiring, neededDevices: needed },
    ports: {
      clock: deps.clock,
      log: deps.log,
      credentials: new CredentialSource({ hash: (kind, value) => deps.store.keyedHash(kind, value), trustList, clock: deps.clock }),
      facts: storeAdapter,
      journal: storeAdapter,
      actuators: barrierActuators(devices),
      faces: deps.faces !== undefined ? deps.faces : (face?.port ?? null),
      signals: laneSignal(devices.find((d) => d.name === flow.signals)),
      display: deps.display,
      readers: readWindows(scannerReadWindows(devices, readers), plates?.readers),
      policy: deps.policy,
    },
    attach: (i) => {
      inputs = i;
      face?.preload(i);
      plates?.preload(i);
      return attachDevices(devices, { readers, rfidReaders, neededDevices: needed }, i);
    },
    dependsOn: deps.dependsOn ?? [],
  });
  return { runner, problems };
}
