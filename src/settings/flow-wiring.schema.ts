import { z } from 'zod';
import { deviceNameSchema } from '../../drivers/device-name.js';

/**
 * The `flow:` section: which devices the passage flow (src/lane/runner) uses and how. Absent: the
 * daemon runs the devices only, no passage flow. The shape is checked here; whether the named
 * devices exist, have a fitting type and whether every presence input is reported by some device
 * is checked against `devices:` by checkFlowWiring (called from the lane config's superRefine), so
 * every mistake is reported at once as `path: message`.
 */
const doorSchema = z.strictObject({
  barrier: deviceNameSchema.describe('Barrier device (relay-barrier or opcua-barrier) that moves it.'),
  presence: z.array(deviceNameSchema).default([]).describe('Presence inputs that must be clear before it closes (beams, loops, safety edges).'),
});

const ms = z.int().min(100).max(3_600_000);

export const flowTimeoutsSchema = z
  .strictObject({
    // people lane
    lookupMs: ms.optional(),
    enterMs: ms.optional(),
    faceMs: ms.optional(),
    journalMs: ms.optional(),
    exitMs: ms.optional(),
    sendBackMs: ms.optional(),
    officerMs: ms.optional(),
    resultMs: ms.optional(),
    // vehicle lane
    readWindowMs: ms.optional(),
    driverMs: ms.optional(),
    passMs: ms.optional(),
  })
  .describe('Overrides of the step timeouts (ms); see docs/lanes.md. Keys of the other lane kind are refused.');

export const PEOPLE_TIMEOUT_KEYS = ['lookupMs', 'enterMs', 'faceMs', 'journalMs', 'exitMs', 'sendBackMs', 'officerMs', 'resultMs'] as const;
export const VEHICLE_TIMEOUT_KEYS = ['readWindowMs', 'lookupMs', 'driverMs', 'journalMs', 'passMs', 'officerMs'] as const;

export const flowSectionSchema = z
  .strictObject({
    readers: z.array(deviceNameSchema).optional().describe('Scanners / MRZ readers whose reads present a credential (default: all of them).'),
    signals: deviceNameSchema.optional().describe('lane-signals device (red/green light) driven by the interlocks.'),
    qrSigners: z
      .array(z.string().min(1))
      .default([])
      .describe('Signed-QR signer certificates (PEM or DER files, paths relative to the working directory) trusted for signed QR credentials.'),
    // people lanes
    entryDoor: doorSchema.optional().describe('People lanes: the mantrap entry door.'),
    exitDoor: doorSchema.optional().describe('People lanes: the mantrap exit door.'),
    entryBeam: deviceNameSchema.optional().describe('People lanes: presence input counting persons into the mantrap.'),
    exitBeam: deviceNameSchema.optional().describe('People lanes: presence input of the exit.'),
    faceCamera: deviceNameSchema.optional().describe('People lanes: camera for the face check; absent: no face evidence.'),
    faceFrames: z.int().min(1).max(30).default(5).describe('Frames per face capture; the best face is kept.'),
    maxFaceAttempts: z.int().min(1).max(5).default(2).describe('Face captures tried before deciding without a usable face.'),
    // vehicle lanes
    barrier: doorSchema.optional().describe('Vehicle lanes: the boom barrier.'),
    loop: deviceNameSchema.optional().describe('Vehicle lanes: presence input whose clear -> occupied starts a passage.'),
    frontCamera: deviceNameSchema.optional().describe('Vehicle lanes: plate camera (front).'),
    rearCamera: deviceNameSchema.optional().describe('Vehicle lanes: optional rear plate camera.'),
    rfidReaders: z.array(deviceNameSchema).optional().describe('Vehicle lanes: RFID readers (default: all of them).'),
    timeouts: flowTimeoutsSchema.prefault({}),
  })
  .describe('Passage flow wiring (docs/lanes.md, Runner). Absent: devices only, no passage flow.');

export type FlowSection = z.output<typeof flowSectionSchema>;

const READER_TYPES = ['serial-line-scanner', 'serial-scanner', 'serial-mrz-reader'];
const BARRIER_TYPES = ['relay-barrier', 'opcua-barrier'];
const CAMERA_TYPES = ['camera', 'camera-replay'];
const RFID_TYPES = ['serial-rfid-reader', 'llrp-reader'];

interface DeviceLike {
  type?: unknown;
  name?: unknown;
  presence?: unknown;
  safety?: unknown;
  emergency?: unknown;
  nodes?: unknown;
}

export interface FlowIssue {
  path: (string | number)[];
  message: string;
}

/** Presence inputs some device reports: lane-sensors `presence`, relay-barrier `safety`, opcua-barrier `nodes.presence`. */
export function reportedPresenceInputs(devices: readonly DeviceLike[]): Set<string> {
  const out = new Set<string>();
  const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const d of devices) {
    if (d.type === 'lane-sensors') names(d.presence).forEach((n) => out.add(n));
    if (d.type === 'relay-barrier') names(d.safety).forEach((n) => out.add(n));
    if (d.type === 'opcua-barrier' && typeof d.nodes === 'object' && d.nodes !== null) {
      const p = (d.nodes as { presence?: unknown }).presence;
      if (Array.isArray(p)) for (const e of p) if (typeof e === 'object' && e !== null && typeof (e as { input?: unknown }).input === 'string') out.add((e as { input: string }).input);
    }
  }
  return out;
}

/**
 * Cross-checks of `flow:` against the lane kind, `devices:` and `policy:`. Returns every problem;
 * paths start at the config root (`flow.entryDoor.barrier`).
 */
export function checkFlowWiring(kind: unknown, flow: FlowSection, devices: readonly DeviceLike[], requireFace: boolean | undefined): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const add = (path: (string | number)[], message: string): void => void issues.push({ path: ['flow', ...path], message });
  const byName = new Map<string, DeviceLike>();
  for (const d of devices) if (typeof d.name === 'string') byName.set(d.name, d);
  const inputs = reportedPresenceInputs(devices);

  const device = (path: (string | number)[], name: string | undefined, types: readonly string[], what: string): void => {
    if (name === undefined) return;
    const d = byName.get(name);
    if (!d) return add(path, `no device named '${name}' in devices`);
    if (typeof d.type !== 'string' || !types.includes(d.type)) add(path, `device '${name}' is a ${String(d.type)}; ${what} must be one of: ${types.join(', ')}`);
  };
  const input = (path: (string | number)[], name: string | undefined): void => {
    if (name !== undefined && !inputs.has(name)) add(path, `presence input '${name}' is not reported by any device (lane-sensors presence, relay-barrier safety or opcua-barrier nodes.presence)`);
  };
  const door = (key: 'entryDoor' | 'exitDoor' | 'barrier'): void => {
    const d = flow[key];
    if (!d) return;
    device([key, 'barrier'], d.barrier, BARRIER_TYPES, 'a barrier');
    // The interlocks hold egress doors open in an emergency: a relay door must have a line to do it with.
    const dev = byName.get(d.barrier) as (DeviceLike & { role?: unknown; io?: { lines?: unknown } }) | undefined;
    if (dev?.type === 'relay-barrier' && dev.role === 'egress-door') {
      const lines = Array.isArray(dev.io?.lines) ? (dev.io.lines as Array<{ name?: unknown }>).map((l) => l.name) : [];
      if (!lines.includes('hold-open') && !lines.includes('lock')) {
        add([key, 'barrier'], `egress door '${d.barrier}' has no 'hold-open' or 'lock' output line: it could not be held open in an emergency`);
      }
    }
    d.presence.forEach((p, i) => input([key, 'presence', i], p));
  };
  const required = (keys: readonly (keyof FlowSection)[], lane: string): void => {
    for (const k of keys) if (flow[k] === undefined) add([k], `required for a ${lane} lane`);
  };
  const refused = (keys: readonly (keyof FlowSection)[], lane: string): void => {
    for (const k of keys) if (flow[k] !== undefined) add([k], `not used by a ${lane} lane (remove it)`);
  };

  (flow.readers ?? []).forEach((r, i) => device(['readers', i], r, READER_TYPES, 'a reader'));
  device(['signals'], flow.signals, ['lane-signals'], 'the signal');

  if (kind === 'people') {
    required(['entryDoor', 'exitDoor', 'entryBeam', 'exitBeam'], 'people');
    refused(['barrier', 'loop', 'frontCamera', 'rearCamera', 'rfidReaders'], 'people');
    door('entryDoor');
    door('exitDoor');
    if (flow.entryDoor && flow.exitDoor && flow.entryDoor.barrier === flow.exitDoor.barrier) add(['exitDoor', 'barrier'], 'entry and exit door must be different barrier devices');
    input(['entryBeam'], flow.entryBeam);
    input(['exitBeam'], flow.exitBeam);
    device(['faceCamera'], flow.faceCamera, CAMERA_TYPES, 'the face camera');
    if ((requireFace ?? true) && flow.faceCamera === undefined) issues.push({ path: ['policy', 'requireFace'], message: 'policy.requireFace is true but flow.faceCamera is not set' });
    for (const k of Object.keys(flow.timeouts)) if (!(PEOPLE_TIMEOUT_KEYS as readonly string[]).includes(k)) add(['timeouts', k], 'not a people-lane timeout');
  } else if (kind === 'vehicle') {
    required(['barrier', 'loop', 'frontCamera'], 'vehicle');
    refused(['entryDoor', 'exitDoor', 'entryBeam', 'exitBeam', 'faceCamera'], 'vehicle');
    door('barrier');
    input(['loop'], flow.loop);
    device(['frontCamera'], flow.frontCamera, CAMERA_TYPES, 'a plate camera');
    device(['rearCamera'], flow.rearCamera, CAMERA_TYPES, 'a plate camera');
    (flow.rfidReaders ?? []).forEach((r, i) => device(['rfidReaders', i], r, RFID_TYPES, 'an RFID reader'));
    if (requireFace === true) issues.push({ path: ['policy', 'requireFace'], message: 'vehicle lanes have no face check; remove policy.requireFace or set it false' });
    for (const k of Object.keys(flow.timeouts)) if (!(VEHICLE_TIMEOUT_KEYS as readonly string[]).includes(k)) add(['timeouts', k], 'not a vehicle-lane timeout');
  }
  return issues;
}
