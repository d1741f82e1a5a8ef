/**
 * LLRP 1.0.1 binary encoding (EPCglobal Low Level Reader Protocol), written from the specification:
 *
 * Message: 3 bits reserved | 3 bits version (1 = 1.0.1) | 10 bits type, 32-bit length (whole message,
 * header included), 32-bit message ID; then the message's fields and parameters. All big-endian.
 *
 * Parameters are TLV (6 bits reserved | 10 bits type, 16-bit length including the 4-byte header, then
 * the value) or TV (1 bit set | 7 bits type, then a value whose length the type fixes). TV types are
 * 1..127, TLV types 128..1023, so the first bit tells them apart.
 */
export const LLRP_VERSION = 1;
export const LLRP_HEADER_BYTES = 10;

export interface LlrpMessage {
  type: number;
  id: number;
  /** Everything after the 10-byte header. */
  body: Buffer;
}

export class LlrpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlrpDecodeError';
  }
}

export function encodeMessage(type: number, id: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(LLRP_HEADER_BYTES + body.length);
  out.writeUInt16BE(((LLRP_VERSION & 0x7) << 10) | (type & 0x3ff), 0);
  out.writeUInt32BE(out.length, 2);
  out.writeUInt32BE(id >>> 0, 6);
  body.copy(out, LLRP_HEADER_BYTES);
  return out;
}

/**
 * Cuts a TCP byte stream into messages. TCP keeps bytes in order, so there is no resynchronising: a
 * header with a wrong version or an impossible length means the stream can no longer be trusted and the
 * connection must be dropped (`error`).
 */
export class LlrpMessageReader {
  private readonly maxMessageBytes: number;
  private buf: Buffer = Buffer.alloc(0);

  constructor(maxMessageBytes = 1 << 20) {
    this.maxMessageBytes = maxMessageBytes;
  }

  push(chunk: Buffer): { messages: LlrpMessage[]; error: string | null } {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const messages: LlrpMessage[] = [];
    while (this.buf.length >= LLRP_HEADER_BYTES) {
      const word = this.buf.readUInt16BE(0);
      const version = (word >> 10) & 0x7;
      const length = this.buf.readUInt32BE(2);
      if (version !== LLRP_VERSION) return { messages, error: `unsupported LLRP version ${version}` };
      if (length < LLRP_HEADER_BYTES || length > this.maxMessageBytes) return { messages, error: `impossible message length ${length}` };
      if (this.buf.length < length) break;
      messages.push({ type: word & 0x3ff, id: this.buf.readUInt32BE(6), body: Buffer.from(this.buf.subarray(LLRP_HEADER_BYTES, length)) });
      this.buf = this.buf.subarray(length);
    }
    return { messages, error: null };
  }

  get pendingBytes(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}

/** Value lengths in bytes of the TV parameters LLRP 1.0.1 defines. */
export const TV_VALUE_BYTES: Readonly<Record<number, number>> = {
  1: 2, // AntennaID
  2: 8, // FirstSeenTimestampUTC
  3: 8, // FirstSeenTimestampUptime
  4: 8, // LastSeenTimestampUTC
  5: 8, // LastSeenTimestampUptime
  6: 1, // PeakRSSI
  7: 2, // ChannelIndex
  8: 2, // TagSeenCount
  9: 4, // ROSpecID
  10: 2, // InventoryParameterSpecID
  11: 2, // C1G2_CRC
  12: 2, // C1G2_PC
  13: 12, // EPC-96
  14: 2, // SpecIndex
  15: 2, // ClientRequestOpSpecResult
  16: 4, // AccessSpecID
  17: 2, // OpSpecID
  18: 4, // C1G2SingulationDetails
  19: 2, // C1G2_XPC_W1
  20: 2, // C1G2_XPC_W2
};

export interface LlrpParam {
  type: number;
  tv: boolean;
  /** The value, header excluded (for TLV: fields and sub-parameters). */
  body: Buffer;
}

/** Splits a run of parameters; throws LlrpDecodeError on anything that does not add up. */
export function parseParams(buf: Buffer): LlrpParam[] {
  const params: LlrpParam[] = [];
  let at = 0;
  while (at < buf.length) {
    const first = buf[at]!;
    if (first & 0x80) {
      const type = first & 0x7f;
      const size = TV_VALUE_BYTES[type];
      if (size === undefined) throw new LlrpDecodeError(`unknown TV parameter type ${type}`);
      if (at + 1 + size > buf.length) throw new LlrpDecodeError(`TV parameter ${type} runs past its container`);
      params.push({ type, tv: true, body: buf.subarray(at + 1, at + 1 + size) });
      at += 1 + size;
      continue;
    }
    if (at + 4 > buf.length) throw new LlrpDecodeError('truncated TLV header');
    const type = buf.readUInt16BE(at) & 0x3ff;
    const length = buf.readUInt16BE(at + 2);
    if (length < 4 || at + length > buf.length) throw new LlrpDecodeError(`TLV parameter ${type} has impossible length ${length}`);
    params.push({ type, tv: false, body: buf.subarray(at + 4, at + length) });
    at += length;
  }
  return params;
}

export function tlv(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type & 0x3ff, 0);
  header.writeUInt16BE(body.length + 4, 2);
  return Buffer.concat([header, body]);
}

export function tv(type: number, value: Buffer): Buffer {
  if (TV_VALUE_BYTES[type] !== value.length) throw new RangeError(`TV parameter ${type} takes ${TV_VALUE_BYTES[type]} bytes, got ${value.length}`);
  return Buffer.concat([Buffer.of(0x80 | type), value]);
}

export function u8(value: number): Buffer {
  return Buffer.of(value & 0xff);
}

export function u16(value: number): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(value & 0xffff);
  return out;
}

export function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out;
}

export function u64(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(value);
  return out;
}

/** utf8v: 16-bit byte count, then the bytes. */
export function utf8v(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([u16(bytes.length), bytes]);
}

/** u1v: 16-bit bit count, then the bits padded to whole bytes. */
export function bitsV(bytes: Buffer, bitCount = bytes.length * 8): Buffer {
  return Buffer.concat([u16(bitCount), bytes]);
}

/** Reads fields in order from a parameter or message body, failing with LlrpDecodeError past the end. */
export class FieldReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  private need(bytes: number): void {
    if (this.at + bytes > this.buf.length) throw new LlrpDecodeError(`field runs past its container (${this.buf.length} bytes)`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  u16(): number {
    this.need(2);
    const value = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return value;
  }

  bytes(count: number): Buffer {
    this.need(count);
    const out = this.buf.subarray(this.at, this.at + count);
    this.at += count;
    return out;
  }

  utf8v(): string {
    return this.bytes(this.u16()).toString('utf8');
  }

  /** The parameters that follow the fields read so far. */
  rest(): LlrpParam[] {
    return parseParams(this.buf.subarray(this.at));
  }
}
