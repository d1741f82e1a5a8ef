import { fail, type Result } from '../result.js';
import { normaliseEpcHex } from '../identifiers.js';

export type ReaderHexReason = 'HEX_EMPTY' | 'HEX_NOT_HEX' | 'HEX_BAD_LENGTH' | 'HEX_TOO_LONG';

/**
 * Tag memory as readers print it ("30 74 25 7B", "0x3074257B", "30:74:25:7b") -> upper-case hex
 * of whole 16-bit words (Gen2 memory is word-addressed).
 */
export function readerHex(text: string, maxBits: number): Result<{ hex: string }, ReaderHexReason> {
  if (text.length > maxBits) return fail('HEX_TOO_LONG', `${text.length} characters, limit ${maxBits / 4} hex digits`);
  const hex = normaliseEpcHex(text);
  if (hex.length === 0) return fail('HEX_EMPTY', 'no hex digits');
  const bad = hex.search(/[^0-9A-F]/u);
  if (bad >= 0) return fail('HEX_NOT_HEX', `non-hex character at position ${bad}`);
  if (hex.length % 4 !== 0) return fail('HEX_BAD_LENGTH', `${hex.length} hex digits is not a whole number of 16-bit words`);
  if (hex.length * 4 > maxBits) return fail('HEX_TOO_LONG', `${hex.length * 4} bits, limit ${maxBits}`);
  return { ok: true, hex };
}

/** Reads `width` bits starting `offset` bits from the most significant end. */
export function bitsAt(value: bigint, totalBits: number, offset: number, width: number): bigint {
  return (value >> BigInt(totalBits - offset - width)) & ((1n << BigInt(width)) - 1n);
}
