import type { DeviceDriver } from '../contract.js';

/**
 * What every scanner driver (QR, barcode; line mode, AIM identifiers and the trigger protocols of the
 * common families) emits. The lane depends on this, never on a concrete scanner.
 */
export interface ScannedCode {
  /** The code's content. Personal data (QR payloads): pass it on, never log it. */
  text: string;
  /** The code's bytes exactly as received, with prefix, AIM identifier and terminator removed. */
  raw: Buffer;
  /** AIM symbology identifier (e.g. `]Q1`) when the driver knows it; null when it does not. */
  symbology: string | null;
  /** Epoch ms at which the code was complete. */
  at: number;
}

export type ScannerEvents = {
  code: [code: ScannedCode];
};

export interface ScannerDriver extends DeviceDriver<ScannerEvents> {
  readonly kind: 'scanner';
  /**
   * The lane expects a code for the next `ms` milliseconds: a triggered scanner is told to read, and
   * (with `readWindow: lane`) codes are only delivered while a window is open. Calling it again
   * extends the window. Safe while the device is disconnected: the trigger is sent on reconnect.
   */
  openReadWindow(ms: number): void;
  /** Ends the window early (a code was accepted, the traveller left); a triggered scanner stops reading. */
  closeReadWindow(): void;
}
