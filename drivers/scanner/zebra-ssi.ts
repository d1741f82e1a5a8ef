import type { PacketFormat } from './packet-scanner.js';

/**
 * Zebra (formerly Symbol/Motorola) Simple Serial Interface packets:
 *
 *   Length | Opcode | Message Source | Status | Data ... | Checksum (2 bytes, high byte first)
 *
 * Length counts every byte except the checksum (so at least 4); the checksum is the 16-bit two's
 * complement of the sum of those bytes. The host sends with source 0x04, the scanner with 0x00.
 * Every packet is acknowledged with CMD_ACK or CMD_NAK (reason byte: 1 resend, 2 bad context,
 * 6 denied). Decode data longer than one packet arrives in several packets with the continuation
 * bit set on all but the last; a packet sent again after a NAK has the retransmit bit set.
 */
export const SSI_OPCODE = {
  REQUEST_REVISION: 0xa3,
  REPLY_REVISION: 0xa4,
  PARAM_SEND: 0xc6,
  CMD_ACK: 0xd0,
  CMD_NAK: 0xd1,
  FLUSH_QUEUE: 0xd2,
  START_DECODE: 0xe4,
  STOP_DECODE: 0xe5,
  BEEP: 0xe6,
  LED_ON: 0xe7,
  LED_OFF: 0xe8,
  SCAN_ENABLE: 0xe9,
  SCAN_DISABLE: 0xea,
  DECODE_DATA: 0xf3,
} as const;

export const SSI_SOURCE = { DECODER: 0x00, HOST: 0x04 } as const;
export const SSI_STATUS = { RETRANSMIT: 0x01, CONTINUATION: 0x02, PERMANENT: 0x08 } as const;
export const SSI_NAK = { RESEND: 0x01, BAD_CONTEXT: 0x02, DENIED: 0x06 } as const;

const KNOWN_OPCODES: ReadonlySet<number> = new Set(Object.values(SSI_OPCODE));
const OPCODE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(SSI_OPCODE).map(([name, code]) => [code, name]));

export function ssiOpcodeName(opcode: number): string {
  return OPCODE_NAMES.get(opcode) ?? `0x${opcode.toString(16).padStart(2, '0')}`;
}

export interface SsiPacket {
  opcode: number;
  source: number;
  status: number;
  data: Buffer;
}

/** 16-bit two's complement of the byte sum. */
export function ssiChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum += byte;
  return (0x10000 - (sum & 0xffff)) & 0xffff;
}

export function encodeSsi(packet: { opcode: number; source?: number; status?: number; data?: Uint8Array }): Buffer {
  const data = packet.data ?? new Uint8Array(0);
  if (data.length > 251) throw new RangeError(`SSI packet data is at most 251 bytes, got ${data.length}`);
  const out = Buffer.alloc(data.length + 6);
  out[0] = data.length + 4;
  out[1] = packet.opcode;
  out[2] = packet.source ?? SSI_SOURCE.HOST;
  out[3] = packet.status ?? 0;
  out.set(data, 4);
  out.writeUInt16BE(ssiChecksum(out.subarray(0, data.length + 4)), data.length + 4);
  return out;
}

/** CMD_ACK / CMD_NAK as the host sends them. */
export function ssiAck(source: number = SSI_SOURCE.HOST): Buffer {
  return encodeSsi({ opcode: SSI_OPCODE.CMD_ACK, source });
}

export function ssiNak(reason: number, source: number = SSI_SOURCE.HOST): Buffer {
  return encodeSsi({ opcode: SSI_OPCODE.CMD_NAK, source, data: Uint8Array.of(reason) });
}

export const ssiPacketFormat: PacketFormat<SsiPacket> = {
  minSize: 6,
  maxSize: 257,
  sizeAt(buf, at) {
    if (at + 2 > buf.length) return 'more';
    const length = buf[at]!;
    // The opcode check rejects most noise before any checksum work.
    if (length < 4 || !KNOWN_OPCODES.has(buf[at + 1]!)) return 'no';
    return length + 2;
  },
  parse(bytes) {
    const length = bytes[0]!;
    if (bytes.readUInt16BE(length) !== ssiChecksum(bytes.subarray(0, length))) return null;
    return { opcode: bytes[1]!, source: bytes[2]!, status: bytes[3]!, data: Buffer.from(bytes.subarray(4, length)) };
  },
};

/**
 * SSI barcode type byte -> AIM identifier for the symbologies a lane meets. The scanner reports the
 * type in the first data byte of DECODE_DATA; codes outside this table get symbology null.
 */
export const SSI_BARCODE_TYPE_TO_AIM: ReadonlyMap<number, string> = new Map([
  [0x01, ']A0'], // Code 39
  [0x03, ']C0'], // Code 128
  [0x06, ']I0'], // Interleaved 2 of 5
  [0x0b, ']E0'], // EAN-13
  [0x0f, ']C1'], // GS1-128
  [0x11, ']L0'], // PDF417
  [0x1b, ']d1'], // Data Matrix
  [0x1c, ']Q1'], // QR Code
  [0x2d, ']z0'], // Aztec
]);
