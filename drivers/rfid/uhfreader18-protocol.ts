import type { PacketFormat } from '../scanner/packet-scanner.js';
import { MAX_EPC_BYTES, type RawTag, type RfidFrame, type SerialRfidProtocol } from './serial-rfid-protocol.js';

/**
 * The "UHFReader18" serial protocol (UHFReader18/09/86 family and their many OEM copies):
 *
 *   host:   Len | Adr | Cmd | Data ... | CRC-16 (low byte first)
 *   reader: Len | Adr | reCmd | Status | Data ... | CRC-16 (low byte first)
 *
 * Len counts the bytes after itself (CRC included). The CRC is CRC-16/MCRF4XX (reflected polynomial
 * 0x8408, initial 0xFFFF, no final XOR) over every byte before it. The host polls: each Inventory (0x01)
 * is answered with the EPCs in the field (Num, then EPCLen + EPC per tag). This protocol reports neither
 * RSSI nor antenna, so those are null and the RSSI threshold does not apply.
 */
export const UHF_CMD = {
  INVENTORY: 0x01,
  READ_DATA: 0x02,
  GET_READER_INFO: 0x21,
  SET_REGION: 0x22,
  SET_ADDRESS: 0x24,
  SET_SCAN_TIME: 0x25,
  SET_BAUD: 0x28,
  SET_POWER: 0x2f,
} as const;

export const UHF_STATUS = {
  SUCCESS: 0x00,
  INVENTORY_DONE: 0x01,
  INVENTORY_TIMEOUT: 0x02,
  MORE_DATA: 0x03,
  TOO_MANY_TAGS: 0x04,
  NO_TAG: 0xfb,
  COMMAND_ERROR: 0xfe,
} as const;

const KNOWN_COMMANDS: ReadonlySet<number> = new Set(Object.values(UHF_CMD));

export function crc16Mcrf4xx(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

function withCrc(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  out.writeUInt16LE(crc16Mcrf4xx(body), body.length);
  return out;
}

export function encodeUhfCommand(address: number, command: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  return withCrc(Buffer.concat([Buffer.of(data.length + 4, address, command), data]));
}

export function encodeUhfResponse(address: number, command: number, status: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  return withCrc(Buffer.concat([Buffer.of(data.length + 5, address, command, status), data]));
}

export interface UhfResponse {
  address: number;
  command: number;
  status: number;
  data: Buffer;
}

export interface UhfCommand {
  address: number;
  command: number;
  data: Buffer;
}

function frameFormat<P>(minLen: number, build: (bytes: Buffer) => P): PacketFormat<P> {
  return {
    minSize: minLen + 1,
    maxSize: 256,
    sizeAt(buf, at) {
      if (at + 3 > buf.length) return 'more';
      const len = buf[at]!;
      // The command byte check rejects most noise before any CRC work.
      if (len < minLen || !KNOWN_COMMANDS.has(buf[at + 2]!)) return 'no';
      return len + 1;
    },
    parse(bytes) {
      const end = bytes.length - 2;
      if (bytes.readUInt16LE(end) !== crc16Mcrf4xx(bytes.subarray(0, end))) return null;
      return build(bytes);
    },
  };
}

/** Reader -> host frames (what the driver parses). */
export const uhfResponseFormat = frameFormat<UhfResponse>(5, (bytes) => ({
  address: bytes[1]!,
  command: bytes[2]!,
  status: bytes[3]!,
  data: Buffer.from(bytes.subarray(4, bytes.length - 2)),
}));

/** Host -> reader frames (what the simulator parses). */
export const uhfCommandFormat = frameFormat<UhfCommand>(4, (bytes) => ({
  address: bytes[1]!,
  command: bytes[2]!,
  data: Buffer.from(bytes.subarray(3, bytes.length - 2)),
}));

/** Inventory answer data: Num, then EPCLen + EPC for each tag. */
export function encodeInventoryData(epcs: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.of(epcs.length), ...epcs.flatMap((epc) => [Buffer.of(epc.length), epc])]);
}

export function decodeInventoryData(data: Buffer): RawTag[] | { invalid: 'oversize' | 'malformed' } {
  if (data.length === 0) return [];
  const count = data[0]!;
  const tags: RawTag[] = [];
  let at = 1;
  for (let i = 0; i < count; i += 1) {
    const length = data[at];
    if (length === undefined) return { invalid: 'malformed' };
    if (length > MAX_EPC_BYTES) return { invalid: 'oversize' };
    if (length === 0 || at + 1 + length > data.length) return { invalid: 'malformed' };
    tags.push({ epc: Buffer.from(data.subarray(at + 1, at + 1 + length)), antenna: null, rssi: null });
    at += 1 + length;
  }
  return at === data.length ? tags : { invalid: 'malformed' };
}

export const uhfReader18Protocol: SerialRfidProtocol<UhfResponse> = {
  name: 'uhfreader18',
  responseFormat: uhfResponseFormat,
  interpret(packet) {
    if (packet.command !== UHF_CMD.INVENTORY) {
      const ok = packet.status === UHF_STATUS.SUCCESS;
      return [{ kind: 'reply', command: packet.command, ok, detail: `status 0x${packet.status.toString(16).padStart(2, '0')}` }];
    }
    const frames: RfidFrame[] = [];
    if (packet.status === UHF_STATUS.NO_TAG) return [{ kind: 'round-end', ok: true, detail: 'no tag' }];
    const decoded = decodeInventoryData(packet.data);
    if ('invalid' in decoded) frames.push({ kind: 'invalid', reason: decoded.invalid, length: packet.data.length });
    else if (decoded.length > 0) frames.push({ kind: 'tags', tags: decoded });
    if (packet.status !== UHF_STATUS.MORE_DATA) {
      const ok = packet.status === UHF_STATUS.INVENTORY_DONE || packet.status === UHF_STATUS.INVENTORY_TIMEOUT || packet.status === UHF_STATUS.TOO_MANY_TAGS;
      frames.push({ kind: 'round-end', ok, detail: `status 0x${packet.status.toString(16).padStart(2, '0')}` });
    }
    return frames;
  },
  handshake: (setup) => ({ command: UHF_CMD.GET_READER_INFO, label: 'get reader information', bytes: encodeUhfCommand(setup.address, UHF_CMD.GET_READER_INFO) }),
  setup(setup) {
    if (setup.powerDbm === null) return [];
    // The power byte is 0..30 dBm.
    const power = Math.max(0, Math.min(30, Math.round(setup.powerDbm)));
    return [{ command: UHF_CMD.SET_POWER, label: 'set power', bytes: encodeUhfCommand(setup.address, UHF_CMD.SET_POWER, Uint8Array.of(power)) }];
  },
  inventory: (setup) => ({ command: UHF_CMD.INVENTORY, label: 'inventory', bytes: encodeUhfCommand(setup.address, UHF_CMD.INVENTORY) }),
};
