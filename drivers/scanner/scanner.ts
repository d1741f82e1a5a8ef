import type { DeviceDriver } from '../contract.js';

/**
 * What every scanner driver (QR, barcode; line mode today, AIM identifiers and trigger protocols
 * later) emits. The lane depends on this, never on a concrete scanner.
 */
export interface ScannedCode {
  /** The code's content. Personal data (QR payloads): pass it on, never log it. */
  text: string;
  /** The bytes exactly as received, prefix and terminator removed. */
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
}
