import { fail, type Result } from '../result.js';

/**
 * Base45 (RFC 9285), the alphabet QR alphanumeric mode can carry. Written here rather than
 * taken from a package so that every malformed input yields a reason instead of an exception.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export type Base45Reason = 'BASE45_BAD_CHARACTER' | 'BASE45_BAD_LENGTH' | 'BASE45_VALUE_OVERFLOW';

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i]! * 256 + bytes[i + 1]!;
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c]! + ALPHABET[d]! + ALPHABET[e]!;
  }
  if (bytes.length % 2 === 1) {
    const n = bytes[bytes.length - 1]!;
    out += ALPHABET[n % 45]! + ALPHABET[Math.floor(n / 45)]!;
  }
  return out;
}

export function base45Decode(text: string): Result<{ bytes: Uint8Array }, Base45Reason> {
  // Groups of 3 characters carry 2 bytes, a trailing pair carries 1; a single leftover is invalid.
  if (text.length % 3 === 1) return fail('BASE45_BAD_LENGTH', `length ${text.length} leaves a single character`);
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  for (let i = 0; i < text.length; i += 3) {
    const remaining = Math.min(3, text.length - i);
    let n = 0;
    let factor = 1;
    for (let k = 0; k < remaining; k++) {
      const code = text.charCodeAt(i + k);
      const v = code < 128 ? VALUE[code]! : -1;
      if (v < 0) return fail('BASE45_BAD_CHARACTER', `character outside the Base45 alphabet at position ${i + k}`);
      n += v * factor;
      factor *= 45;
    }
    if (remaining === 3) {
      if (n > 0xffff) return fail('BASE45_VALUE_OVERFLOW', `group at position ${i} exceeds 65535`);
      out[o++] = n >> 8;
      out[o++] = n & 0xff;
    } else {
      if (n > 0xff) return fail('BASE45_VALUE_OVERFLOW', `final pair at position ${i} exceeds 255`);
      out[o++] = n;
    }
  }
  return { ok: true, bytes: out };
}
