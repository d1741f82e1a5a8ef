import type { HealthReport } from '../../../src/app/service.js';
import type { DeviceHandle } from '../../../src/control/lane-control.js';
import { TypedEmitter } from '../../../src/util/typed-events.js';
import type { DriverEvents, SupervisedDriver } from '../../../drivers/contract.js';
import type { CameraCounters, CameraEvents, CameraFrame } from '../../../drivers/camera/camera.js';
import type { ScannedCode, ScannerEvents } from '../../../drivers/scanner/scanner.js';
import type { RfidReaderEvents, TagRead } from '../../../drivers/rfid/rfid-reader.js';
import { health } from './harness.js';

/**
 * Minimal drivers for the device commands' unit tests: they emit what a test tells them to and
 * record what the command asked (read windows). Real drivers are exercised in
 * test/integration/control/.
 */
abstract class FakeDriver<E extends Record<string, unknown[]>> extends TypedEmitter<DriverEvents<E>> {
  abstract readonly kind: string;
  constructor(readonly name: string) {
    super();
  }
  async open(): Promise<void> {}
  async close(): Promise<void> {}
  counters(): Record<string, number> {
    return {};
  }
  send<K extends keyof E & string>(event: K, ...args: E[K]): void {
    this.emit(event, ...(args as unknown as DriverEvents<E>[K]));
  }
}

export class FakeCamera extends FakeDriver<CameraEvents> {
  readonly kind = 'camera' as const;
  latestFrame(): CameraFrame | null {
    return null;
  }
  override counters(): CameraCounters {
    return { frames: 7, fps: 5, lastFrameAgeMs: 120, restarts: 0, droppedFrames: 0, garbageBytes: 0 };
  }
}

export class FakeScanner extends FakeDriver<ScannerEvents> {
  readonly kind = 'scanner' as const;
  windows: number[] = [];
  closes = 0;
  openReadWindow(ms: number): void {
    this.windows.push(ms);
  }
  closeReadWindow(): void {
    this.closes += 1;
  }
}

export class FakeRfid extends FakeDriver<RfidReaderEvents> {
  readonly kind = 'rfid' as const;
}

export function handleFor(driver: { kind: string; name: string }, type: string, report: () => HealthReport = () => health('ok')): DeviceHandle {
  return { name: driver.name, type, kind: driver.kind, health: report, driver: driver as unknown as SupervisedDriver };
}

/** A small valid-looking JPEG (SOI ... EOI); the commands never decode it. */
export function jpegBytes(size = 64, fill = 0x42): Buffer {
  const b = Buffer.alloc(size, fill);
  b[0] = 0xff;
  b[1] = 0xd8;
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
}

export function frame(seq: number, jpeg = jpegBytes()): CameraFrame {
  return { jpeg, width: 640, height: 480, at: Date.now(), seq };
}

export function code(text: string, symbology: string | null = ']Q1'): ScannedCode {
  return { text, raw: Buffer.from(text), symbology, at: Date.now() };
}

export function tag(epc: string, rssi: number | null, antenna: number | null = 1): TagRead {
  return { epc, tid: null, antenna, rssi, firstSeen: Date.now() };
}
