import type { PacketFormat } from '../scanner/packet-scanner.js';

/**
 * What the serial RFID reader driver needs from a protocol family (UHFReader18, R2000): how frames
 * look on the wire, what a frame means, and the commands for the handshake, the setup that is sent
 * after every connect, and one inventory round.
 */
export interface RawTag {
  epc: Buffer;
  antenna: number | null;
  rssi: number | null;
}

export type RfidFrame =
  | { kind: 'tags'; tags: RawTag[] }
  /** The inventory round the driver asked for is over (the reader will wait for the next request). */
  | { kind: 'round-end'; ok: boolean; detail: string }
  /** The answer to a setup command. */
  | { kind: 'reply'; command: number; ok: boolean; detail: string }
  /** A well-framed packet whose content is impossible (e.g. an EPC longer than Gen2 allows). */
  | { kind: 'invalid'; reason: 'oversize' | 'malformed'; length: number };

export interface RfidCommand {
  /** Command code the reply carries. */
  command: number;
  /** What the step is, for error messages: `get reader info`, `set power`. */
  label: string;
  bytes: Buffer;
}

export interface RfidSetup {
  address: number;
  /** Output power in dBm; null leaves the reader's setting alone. */
  powerDbm: number | null;
  /** R2000: the antenna port (1-4) to work on. */
  antenna: number;
}

export interface SerialRfidProtocol<P> {
  readonly name: string;
  readonly responseFormat: PacketFormat<P>;
  interpret(packet: P): RfidFrame[];
  /** A command any healthy reader answers: proves we talk to the right device at the right speed. */
  handshake(setup: RfidSetup): RfidCommand;
  /** Configuration the reader forgets on power loss. */
  setup(setup: RfidSetup): RfidCommand[];
  inventory(setup: RfidSetup): RfidCommand;
}

/** Gen2 EPC memory holds at most 31 words (496 bits). */
export const MAX_EPC_BYTES = 62;
