import type { CameraDriver } from '../../../drivers/camera/camera.js';
import type { RfidReaderDriver } from '../../../drivers/rfid/rfid-reader.js';
import type { ScannerDriver } from '../../../drivers/scanner/scanner.js';
import type { ControlContext } from '../contract.js';
import type { DeviceHandle } from '../lane-control.js';
import { CommandError } from '../protocol.js';

/**
 * Finding one configured device by name and seeing its driver through its family's interface,
 * for the device commands (snapshot, test scanner|rfid|camera). DeviceHandle.driver is typed as
 * the supervisor sees it; the `kind` plus a check of the family's own method is what makes the
 * narrower view safe (a driver of another family never passes).
 */
export interface DriverByKind {
  camera: CameraDriver;
  scanner: ScannerDriver;
  rfid: RfidReaderDriver;
}

export type TestableKind = keyof DriverByKind;

function hasFamilyShape(kind: TestableKind, driver: unknown): boolean {
  const d = driver as Record<string, unknown>;
  if (typeof d.on !== 'function' || typeof d.off !== 'function') return false;
  if (kind === 'camera') return typeof d.latestFrame === 'function';
  if (kind === 'scanner') return typeof d.openReadWindow === 'function' && typeof d.closeReadWindow === 'function';
  return true; // rfid: the events are the whole interface
}

/** Names of the configured devices of one family, for "did you mean" messages. */
export function namesOfKind(ctx: ControlContext, kind: string): string[] {
  return ctx.devices().filter((d) => d.kind === kind).map((d) => d.name);
}

function listOrNone(names: string[]): string {
  return names.length > 0 ? names.join(', ') : 'none configured';
}

/**
 * The device called `name`, which must be of `kind`. Unknown names and devices of another family
 * are refused with the list of devices that would have worked.
 */
export function requireDevice<K extends TestableKind>(
  ctx: ControlContext,
  name: string,
  kind: K,
): { handle: DeviceHandle; driver: DriverByKind[K] } {
  const handle = ctx.devices().find((d) => d.name === name);
  const valid = `${kind} devices: ${listOrNone(namesOfKind(ctx, kind))}`;
  if (!handle) throw new CommandError('not_found', `no device named '${name}' in this lane; ${valid}`);
  if (handle.kind !== kind || !hasFamilyShape(kind, handle.driver)) {
    throw new CommandError('wrong_kind', `'${name}' is a ${handle.kind} (${handle.type}), not a ${kind}; ${valid}`);
  }
  return { handle, driver: handle.driver as unknown as DriverByKind[K] };
}

/** One line for a device that cannot be exercised now, e.g. `failed since ...: ENOENT /dev/ttyUSB0`. */
export function downDetail(handle: DeviceHandle): string {
  const h = handle.health();
  return `${handle.kind} '${handle.name}' is ${h.state}${h.lastError ? ` (${h.lastError})` : ''}`;
}
