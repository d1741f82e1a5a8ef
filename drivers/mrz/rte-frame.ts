import type { PacketFormat } from '../scanner/packet-scanner.js';

/**
 * The block framing of 3M/Thales RTE readers ("RTE Native" protocol), one block per document read:
 *
 *   SOH | length (2 bytes, low first, 14 bits) | 'O' | 'U' | STX | flag | optical data | ETX | BCC
 *
 * `O` = optical reader, `U` = unsolicited data. The optical data is the MRZ lines, each followed by CR
 * (a missing top line is sent as an empty line; short lines are padded with `_`). As implemented here
 * the length counts the bytes after the length word up to and including the BCC, and the BCC is the
 * XOR of every byte from the length word up to and including ETX. Check both against the reader's
 * integration manual before trusting a new model: the parser rejects a block where either disagrees.
 */
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
const HEADER = 3; // SOH + length word

export interface RteBlock {
  flag: number;
  /** The optical data: MRZ lines separated (and terminated) by CR. */
  data: Buffer;
}

export function rteBcc(bytes: Uint8Array): number {
  let bcc = 0;
  for (const byte of bytes) bcc ^= byte;
  return bcc;
}

export function encodeRteBlock(data: Buffer, flag = 0x30): Buffer {
  const body = Buffer.concat([Buffer.from('OU', 'latin1'), Buffer.of(STX, flag), data, Buffer.of(ETX)]);
  const length = body.length + 1; // + BCC
  if (length > 0x3fff) throw new RangeError(`RTE block too long: ${length} bytes`);
  const lengthWord = Buffer.of(length & 0xff, length >> 8);
  const bcc = rteBcc(Buffer.concat([lengthWord, body]));
  return Buffer.concat([Buffer.of(SOH), lengthWord, body, Buffer.of(bcc)]);
}

export function rteBlockFormat(maxBlockBytes: number): PacketFormat<RteBlock> {
  return {
    minSize: HEADER + 6, // O U STX flag ETX BCC
    maxSize: maxBlockBytes,
    sizeAt(buf, at) {
      if (buf[at] !== SOH) return 'no';
      if (at + HEADER > buf.length) return 'more';
      return HEADER + (buf[at + 1]! | ((buf[at + 2]! & 0x3f) << 8));
    },
    parse(bytes) {
      const end = bytes.length - 1;
      if (bytes[3] !== 0x4f || bytes[4] !== 0x55 || bytes[5] !== STX || bytes[end - 1] !== ETX) return null;
      if (rteBcc(bytes.subarray(1, end)) !== bytes[end]) return null;
      return { flag: bytes[6]!, data: Buffer.from(bytes.subarray(7, end - 1)) };
    },
  };
}
