import { inflateSync } from 'node:zlib';
import { fail, type Result } from '../result.js';

export type InflateReason = 'ZLIB_INVALID' | 'ZLIB_TOO_LARGE';

/**
 * zlib inflate that stops at `maxOutputBytes`, so a small "zip bomb" in a QR code costs at most
 * that much memory. Node raises RangeError (ERR_BUFFER_TOO_LARGE) when the limit is hit.
 */
export function inflateBounded(input: Uint8Array, maxOutputBytes: number): Result<{ bytes: Uint8Array }, InflateReason> {
  if (input.length < 2) return fail('ZLIB_INVALID', `${input.length} bytes is too short for a zlib stream`);
  // The zlib header: CMF/FLG must be a multiple of 31 and use deflate; checked here so a raw
  // (uncompressed) COSE structure gets a precise reason instead of a generic zlib error.
  const cmf = input[0]!;
  const flg = input[1]!;
  if ((cmf & 0x0f) !== 8 || (cmf * 256 + flg) % 31 !== 0) {
    return fail('ZLIB_INVALID', `no zlib header (first byte 0x${cmf.toString(16).padStart(2, '0')})`);
  }
  try {
    const out = inflateSync(input, { maxOutputLength: maxOutputBytes });
    return { ok: true, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      return fail('ZLIB_TOO_LARGE', `inflated data exceeds ${maxOutputBytes} bytes`);
    }
    return fail('ZLIB_INVALID', `zlib: ${typeof code === 'string' ? code : 'corrupt stream'}`);
  }
}
