import type { DeviceDriver } from '../contract.js';

/**
 * What every UHF RFID reader driver emits (serial UHFReader18 and R2000 families, LLRP readers).
 * EPC and TID are raw hex: decoding them (SGTIN, vehicle registration schemes) is the job of
 * src/credentials/rfid/, which drivers may not import.
 */
export interface TagRead {
  /** The EPC as upper-case hex, exactly as read. */
  epc: string;
  /** The TID memory as upper-case hex, when the reader reported it; null otherwise. */
  tid: string | null;
  /** Antenna port, 1-based, when the reader says; null when it does not (single-antenna readers). */
  antenna: number | null;
  /** Peak RSSI in dBm when the reader reports it; null otherwise (then no RSSI threshold applies). */
  rssi: number | null;
  /** Epoch ms at which the tag was first seen in this sighting (the reader's timestamp when it gives one). */
  firstSeen: number;
}

export type RfidReaderEvents = {
  tag: [read: TagRead];
};

export interface RfidReaderDriver extends DeviceDriver<RfidReaderEvents> {
  readonly kind: 'rfid';
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
