/**
 * Drivers -> runner inputs, and runner effects -> drivers. Subscribes to the configured devices by
 * their driver family (scanner, mrz, rfid, barrier, sensor) and the supervisors' state changes,
 * seeds the interlocks with what the devices already know (a sensor reports its inputs once on
 * connect, possibly before the runner listened), and gives back one function that unsubscribes all.
 */
import type { Barrier } from '../../../drivers/barrier/barrier.js';
import type { LaneSensors } from '../../../drivers/io/lane-sensors.js';
import type { LaneSignals } from '../../../drivers/io/lane-signals.js';
import type { MrzDocument, MrzUnreadable } from '../../../drivers/mrz/mrz-reader.js';
import type { TagRead } from '../../../drivers/rfid/rfid-reader.js';
import type { ScannedCode, ScannerDriver } from '../../../drivers/scanner/scanner.js';
import type { DeviceStateChange } from '../../../drivers/supervisor.js';
import type { HealthReport } from '../../app/service.js';
import type { BarrierAction } from '../interlocks/types.js';
import type { RunnerInputs } from './lane-runner.js';
import type { ActuatorPort, ReaderPort, SignalPort } from './ports.js';

/** A configured device as the composition root holds it. */
export interface LaneDevice {
  name: string;
  /** Driver family: scanner, mrz, rfid, camera, barrier, io, sensor, signal. */
  kind: string;
  driver: unknown;
  health(): HealthReport;
  /** The supervisor's state changes (DeviceSupervisor 'state'). */
  onState(listener: (change: DeviceStateChange) => void): () => void;
}

export interface DeviceWiring {
  /** Scanners / MRZ readers whose reads present a credential. */
  readers: readonly string[];
  rfidReaders: readonly string[];
  /** Devices whose loss suspends the flow. */
  neededDevices: readonly string[];
}

type Off = () => void;

function on(emitter: unknown, event: string, listener: (...args: never[]) => void): Off {
  const e = emitter as { on(ev: string, l: unknown): unknown; off(ev: string, l: unknown): unknown };
  e.on(event, listener);
  return () => e.off(event, listener);
}

/** Devices whose link loss is a fault for the interlocks too (they move or sense the lane). */
function isSafetyDevice(kind: string): boolean {
  return kind === 'barrier' || kind === 'sensor';
}

export function attachDevices(devices: readonly LaneDevice[], wiring: DeviceWiring, inputs: RunnerInputs): Off {
  const offs: Off[] = [];
  for (const d of devices) {
    const reader = wiring.readers.includes(d.name);
    if (d.kind === 'scanner' && reader) {
      offs.push(on(d.driver, 'code', (c: ScannedCode) => inputs.present({ kind: 'qr', text: c.text, reader: d.name })));
    } else if (d.kind === 'mrz' && reader) {
      offs.push(on(d.driver, 'document', (doc: MrzDocument) => inputs.present({ kind: 'mrz', lines: doc.lines, reader: d.name })));
      offs.push(on(d.driver, 'unreadable', (u: MrzUnreadable) => inputs.present({ kind: 'unreadable', problem: `MRZ_${u.reason.toUpperCase()}`, reader: d.name })));
    } else if (d.kind === 'rfid' && wiring.rfidReaders.includes(d.name)) {
      offs.push(on(d.driver, 'tag', (t: TagRead) => inputs.rfid({ epc: t.epc, tid: t.tid })));
    } else if (d.kind === 'barrier') {
      const b = d.driver as Barrier;
      offs.push(on(b, 'position', (c: { position: Parameters<RunnerInputs['position']>[1]; at: number }) => inputs.position(d.name, c.position, c.at)));
      offs.push(on(b, 'presence', (c: { input: string; active: boolean; at: number }) => inputs.presence(c.input, c.active, c.at)));
      offs.push(
        on(b, 'fault', (c: { code: string; active: boolean; detail: string }) =>
          c.active ? inputs.deviceFault(`${d.name}:${c.code}`, c.detail, { interlock: true }) : inputs.deviceOk(`${d.name}:${c.code}`, { interlock: true }),
        ),
      );
      seedBarrier(d.name, b, inputs);
    } else if (d.kind === 'sensor') {
      const s = d.driver as LaneSensors;
      offs.push(on(s, 'presence', (c: { input: string; active: boolean; at: number }) => inputs.presence(c.input, c.active, c.at)));
      offs.push(on(s, 'emergency', (c: { input: string; active: boolean; at: number }) => inputs.emergency(c.input, c.active, c.at)));
      seedSensors(s, inputs);
    }
    if (wiring.neededDevices.includes(d.name)) offs.push(watchHealth(d, inputs));
  }
  return () => {
    for (const off of offs.splice(0)) off();
  };
}

function watchHealth(d: LaneDevice, inputs: RunnerInputs): Off {
  const interlock = isSafetyDevice(d.kind);
  let faulted = false;
  const apply = (state: string, reason: string | null): void => {
    if (state === 'ok') {
      if (!faulted) return;
      faulted = false;
      inputs.deviceOk(d.name, { interlock });
    } else if (state === 'failed' || state === 'degraded') {
      faulted = true;
      inputs.deviceFault(d.name, reason ?? state, { interlock });
    }
  };
  const h = d.health();
  apply(h.state, h.lastError);
  return d.onState((c) => apply(c.state, c.reason));
}

function seedBarrier(name: string, b: Barrier, inputs: RunnerInputs): void {
  let snap: ReturnType<Barrier['snapshot']>;
  try {
    snap = b.snapshot();
  } catch {
    return; // never connected: its inputs stay unknown, which the interlocks treat as occupied
  }
  const now = 0; // 0: "now" by the runner's clock
  for (const [input, active] of Object.entries(snap.presence)) inputs.presence(input, active, now);
  if (snap.position !== 'unknown') inputs.position(name, snap.position, now);
}

function seedSensors(s: LaneSensors, inputs: RunnerInputs): void {
  const snap = s.snapshot();
  const now = 0; // 0: "now" by the runner's clock
  for (const [input, active] of Object.entries(snap.presence)) inputs.presence(input, active, now);
  for (const [input, active] of Object.entries(snap.emergency)) if (active) inputs.emergency(input, true, now);
}

/** Interlock `actuate` effects -> the barrier drivers. */
export function barrierActuators(devices: readonly LaneDevice[]): ActuatorPort {
  const byName = new Map(devices.filter((d) => d.kind === 'barrier').map((d) => [d.name, d.driver as Barrier]));
  return {
    async command(barrier: string, action: BarrierAction): Promise<void> {
      const b = byName.get(barrier);
      if (!b) throw new Error(`no barrier device named '${barrier}'`);
      await b.command(action);
    },
  };
}

/** The flow's read windows -> every reader scanner (MRZ readers have no window). */
export function scannerReadWindows(devices: readonly LaneDevice[], readers: readonly string[]): ReaderPort {
  const scanners = devices.filter((d) => d.kind === 'scanner' && readers.includes(d.name)).map((d) => d.driver as ScannerDriver);
  return {
    openReadWindow: (ms) => scanners.forEach((s) => s.openReadWindow(ms)),
    closeReadWindow: () => scanners.forEach((s) => s.closeReadWindow()),
  };
}

export function laneSignal(device: LaneDevice | undefined): SignalPort | null {
  if (!device || device.kind !== 'signal') return null;
  const s = device.driver as LaneSignals;
  return { show: (aspect) => s.show(aspect) };
}
