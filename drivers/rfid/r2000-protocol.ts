import type { PacketFormat } from '../scanner/packet-scanner.js';
import { MAX_EPC_BYTES, type RfidCommand, type SerialRfidProtocol } from './serial-rfid-protocol.js';

/**
 * The Impinj R2000 module serial protocol (readers built on the R2000 chip):
 *
 *   A0 | Len | Address | Cmd | Data ... | Check
 *
 * Len counts the bytes after itself (Address, Cmd, Data, Check); Check is the two's complement of the
 * sum of every byte before it. Real-time inventory (0x89, data: repeat count) answers with one frame per
 * tag read (Freq/Ant, PC, EPC, RSSI) and ends the round with a summary frame (Ant, ReadRate, TotalRead)
 * or a one-byte error code. RSSI is reported as a byte; dBm = (byte & 0x7F) - 129.
 */
export const R2000_HEAD = 0xa0;

export const R2000_CMD = {
  RESET: 0x70,
  SET_UART_BAUD: 0x71,
  GET_FIRMWARE_VERSION: 0x72,
  SET_READER_ADDRESS: 0x73,
  SET_WORK_ANTENNA: 0x74,
  GET_WORK_ANTENNA: 0x75,
  SET_OUTPUT_POWER: 0x76,
  GET_OUTPUT_POWER: 0x77,
  REAL_TIME_INVENTORY: 0x89,
} as const;

export const R2000_SUCCESS = 0x10;
export const R2000_FAIL = 0x11;

const KNOWN_COMMANDS: ReadonlySet<number> = new Set(Object.values(R2000_CMD));

export function r2000Check(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum += byte;
  return (~sum + 1) & 0xff;
}

export function encodeR2000(address: number, command: number, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.of(R2000_HEAD, data.length + 3, address, command), data]);
  return Buffer.concat([body, Buffer.of(r2000Check(body))]);
}

export interface R2000Packet {
  address: number;
  command: number;
  data: Buffer;
}

/** The same framing in both directions. */
export const r2000Format: PacketFormat<R2000Packet> = {
  minSize: 5,
  maxSize: 257,
  sizeAt(buf, at) {
    if (buf[at] !== R2000_HEAD) return 'no';
    if (at + 4 > buf.length) return 'more';
    if (buf[at + 1]! < 3 || !KNOWN_COMMANDS.has(buf[at + 3]!)) return 'no';
    return buf[at + 1]! + 2;
  },
  parse(bytes) {
    const end = bytes.length - 1;
    if (r2000Check(bytes.subarray(0, end)) !== bytes[end]) return null;
    return { address: bytes[2]!, command: bytes[3]!, data: Buffer.from(bytes.subarray(4, end)) };
  },
};

export function rssiToDbm(byte: number): number {
  return (byte & 0x7f) - 129;
}

export function dbmToRssi(dbm: number): number {
  return Math.max(0, Math.min(0x7f, Math.round(dbm) + 129));
}

/** One tag frame of a real-time inventory: Freq/Ant, PC (2), EPC, RSSI. */
export function encodeR2000TagData(epc: Buffer, antenna: number, rssiDbm: number, frequency = 7): Buffer {
  const pc = ((epc.length / 2) << 11) & 0xf800;
  return Buffer.concat([Buffer.of(((frequency & 0x3f) << 2) | ((antenna - 1) & 0x03), pc >> 8, pc & 0xff), epc, Buffer.of(dbmToRssi(rssiDbm))]);
}

/** End of round: Ant, ReadRate (2), TotalRead (4). */
export function encodeR2000RoundEnd(antenna: number, readRate: number, totalRead: number): Buffer {
  const out = Buffer.alloc(7);
  out[0] = antenna - 1;
  out.writeUInt16BE(readRate & 0xffff, 1);
  out.writeUInt32BE(totalRead >>> 0, 3);
  return out;
}

export const r2000Protocol: SerialRfidProtocol<R2000Packet> = {
  name: 'r2000',
  responseFormat: r2000Format,
  interpret(packet) {
    const { data } = packet;
    if (packet.command === R2000_CMD.REAL_TIME_INVENTORY) {
      if (data.length === 1) return [{ kind: 'round-end', ok: false, detail: `error code 0x${data[0]!.toString(16)}` }];
      if (data.length === 7) return [{ kind: 'round-end', ok: true, detail: `total ${data.readUInt32BE(3)}` }];
      // Tag frame: EPC words are whole, so a tag frame's data length is even + 4 (never 1 or 7).
      const epcLength = data.length - 4;
      if (epcLength > MAX_EPC_BYTES) return [{ kind: 'invalid', reason: 'oversize', length: data.length }];
      if (epcLength <= 0 || epcLength % 2 !== 0) return [{ kind: 'invalid', reason: 'malformed', length: data.length }];
      const epc = Buffer.from(data.subarray(3, 3 + epcLength));
      return [{ kind: 'tags', tags: [{ epc, antenna: (data[0]! & 0x03) + 1, rssi: rssiToDbm(data[data.length - 1]!) }] }];
    }
    if (packet.command === R2000_CMD.GET_FIRMWARE_VERSION) {
      return [{ kind: 'reply', command: packet.command, ok: data.length === 2, detail: `firmware ${data[0] ?? '?'}.${data[1] ?? '?'}` }];
    }
    const code = data[0];
    return [{ kind: 'reply', command: packet.command, ok: code === R2000_SUCCESS, detail: `code 0x${(code ?? 0).toString(16)}` }];
  },
  handshake: (setup) => ({
    command: R2000_CMD.GET_FIRMWARE_VERSION,
    label: 'get firmware version',
    bytes: encodeR2000(setup.address, R2000_CMD.GET_FIRMWARE_VERSION),
  }),
  setup(setup) {
    const commands: RfidCommand[] = [
      {
        command: R2000_CMD.SET_WORK_ANTENNA,
        label: 'set work antenna',
        bytes: encodeR2000(setup.address, R2000_CMD.SET_WORK_ANTENNA, Uint8Array.of(setup.antenna - 1)),
      },
    ];
    if (setup.powerDbm !== null) {
      const power = Math.max(0, Math.min(33, Math.round(setup.powerDbm)));
      commands.push({ command: R2000_CMD.SET_OUTPUT_POWER, label: 'set output power', bytes: encodeR2000(setup.address, R2000_CMD.SET_OUTPUT_POWER, Uint8Array.of(power)) });
    }
    return commands;
  },
  inventory: (setup) => ({
    command: R2000_CMD.REAL_TIME_INVENTORY,
    label: 'real-time inventory',
    bytes: encodeR2000(setup.address, R2000_CMD.REAL_TIME_INVENTORY, Uint8Array.of(1)),
  }),
};
