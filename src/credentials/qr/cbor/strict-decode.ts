import { fail, type Result } from '../../result.js';
import { CborTagged, type CborKey, type CborValue } from './cbor-value.js';

/**
 * A small strict CBOR (RFC 8949) decoder for untrusted bytes from a QR code.
 *
 * Why not cbor-x here: its decoder keeps module-level state (size limits set by
 * setSizeLimits apply to the whole process, shared-reference and packed-table tags keep
 * state between calls) and some tags construct objects by name (tag 27). For hostile input
 * we want a decoder whose every limit is per call and whose tags are inert data.
 *
 * Limits: nesting depth, total item count, and every length is checked against the bytes
 * that remain before anything is allocated, so memory stays proportional to the input.
 */
export interface CborLimits {
  maxDepth: number;
  maxItems: number;
}

export const DEFAULT_CBOR_LIMITS: CborLimits = { maxDepth: 24, maxItems: 20_000 };

export type CborReason =
  | 'CBOR_TRUNCATED'
  | 'CBOR_MALFORMED'
  | 'CBOR_TOO_DEEP'
  | 'CBOR_TOO_MANY_ITEMS'
  | 'CBOR_TRAILING_BYTES'
  | 'CBOR_INVALID_UTF8'
  | 'CBOR_DUPLICATE_KEY'
  | 'CBOR_UNSUPPORTED';

class CborError extends Error {
  constructor(
    readonly reason: CborReason,
    message: string,
  ) {
    super(message);
  }
}

const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  private pos = 0;
  private items = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: CborLimits,
  ) {}

  get position(): number {
    return this.pos;
  }

  private need(n: number): void {
    if (n > this.bytes.length - this.pos) {
      throw new CborError('CBOR_TRUNCATED', `needs ${n} more bytes at offset ${this.pos}, ${this.bytes.length - this.pos} left`);
    }
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  /** The argument of an initial byte; -1 means indefinite length. */
  private argument(info: number): number | bigint {
    if (info < 24) return info;
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    switch (info) {
      case 24:
        return this.u8();
      case 25: {
        this.need(2);
        const v = view.getUint16(this.pos);
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = view.getUint32(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = view.getBigUint64(this.pos);
        this.pos += 8;
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      case 31:
        return -1;
      default:
        throw new CborError('CBOR_MALFORMED', `reserved additional information ${info} at offset ${this.pos - 1}`);
    }
  }

  private length(info: number, what: string): number {
    const n = this.argument(info);
    if (typeof n === 'bigint') throw new CborError('CBOR_TRUNCATED', `${what} length beyond the input`);
    return n;
  }

  private count(): void {
    if (++this.items > this.limits.maxItems) {
      throw new CborError('CBOR_TOO_MANY_ITEMS', `more than ${this.limits.maxItems} items`);
    }
  }

  private byteString(info: number, major: number): Uint8Array {
    const n = this.length(info, 'string');
    if (n >= 0) {
      this.need(n);
      const out = this.bytes.slice(this.pos, this.pos + n);
      this.pos += n;
      return out;
    }
    // Indefinite length: definite chunks of the same major type until break.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const ib = this.u8();
      if (ib === 0xff) break;
      if (ib >> 5 !== major) throw new CborError('CBOR_MALFORMED', `string chunk of another type at offset ${this.pos - 1}`);
      const chunkLen = this.length(ib & 0x1f, 'chunk');
      if (chunkLen < 0) throw new CborError('CBOR_MALFORMED', `nested indefinite string at offset ${this.pos - 1}`);
      this.count();
      this.need(chunkLen);
      chunks.push(this.bytes.subarray(this.pos, this.pos + chunkLen));
      this.pos += chunkLen;
      total += chunkLen;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  read(depth: number): CborValue | typeof BREAK {
    if (depth > this.limits.maxDepth) throw new CborError('CBOR_TOO_DEEP', `nesting deeper than ${this.limits.maxDepth}`);
    this.count();
    const ib = this.u8();
    const major = ib >> 5;
    const info = ib & 0x1f;
    switch (major) {
      case 0: {
        const v = this.argument(info);
        if (v === -1) throw new CborError('CBOR_MALFORMED', `indefinite integer at offset ${this.pos - 1}`);
        return v;
      }
      case 1: {
        const v = this.argument(info);
        if (v === -1) throw new CborError('CBOR_MALFORMED', `indefinite integer at offset ${this.pos - 1}`);
        if (typeof v === 'bigint') return -1n - v;
        const neg = -1 - v;
        return Number.isSafeInteger(neg) ? neg : -1n - BigInt(v);
      }
      case 2:
        return this.byteString(info, 2);
      case 3: {
        const raw = this.byteString(info, 3);
        try {
          return utf8.decode(raw);
        } catch {
          throw new CborError('CBOR_INVALID_UTF8', `text string is not valid UTF-8 (ends at offset ${this.pos})`);
        }
      }
      case 4:
        return this.array(info, depth);
      case 5:
        return this.map(info, depth);
      case 6: {
        const tag = this.argument(info);
        if (tag === -1 || typeof tag === 'bigint') throw new CborError('CBOR_MALFORMED', `bad tag at offset ${this.pos - 1}`);
        const inner = this.read(depth + 1);
        if (inner === BREAK) throw new CborError('CBOR_MALFORMED', 'break inside a tag');
        return new CborTagged(tag, inner);
      }
      default:
        return this.simple(info);
    }
  }

  private array(info: number, depth: number): CborValue[] {
    const n = this.length(info, 'array');
    const out: CborValue[] = [];
    if (n >= 0) {
      // Each item takes at least one byte: a longer declared array cannot be in the input.
      this.need(n);
      for (let i = 0; i < n; i++) out.push(this.item(depth));
      return out;
    }
    for (;;) {
      const v = this.read(depth + 1);
      if (v === BREAK) return out;
      out.push(v);
    }
  }

  private map(info: number, depth: number): Map<CborKey, CborValue> {
    const n = this.length(info, 'map');
    const out = new Map<CborKey, CborValue>();
    const put = (k: CborValue): void => {
      if (typeof k !== 'number' && typeof k !== 'string' && typeof k !== 'bigint') {
        throw new CborError('CBOR_UNSUPPORTED', `map key of type ${k === null ? 'null' : typeof k} at offset ${this.pos}`);
      }
      if (out.has(k)) throw new CborError('CBOR_DUPLICATE_KEY', `duplicate map key at offset ${this.pos}`);
      out.set(k, this.item(depth));
    };
    if (n >= 0) {
      this.need(n * 2);
      for (let i = 0; i < n; i++) put(this.item(depth));
      return out;
    }
    for (;;) {
      const k = this.read(depth + 1);
      if (k === BREAK) return out;
      put(k);
    }
  }

  private item(depth: number): CborValue {
    const v = this.read(depth + 1);
    if (v === BREAK) throw new CborError('CBOR_MALFORMED', `unexpected break at offset ${this.pos - 1}`);
    return v;
  }

  private simple(info: number): CborValue | typeof BREAK {
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        const v = halfToNumber(view.getUint16(this.pos));
        this.pos += 2;
        return v;
      }
      case 26: {
        this.need(4);
        const v = view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 27: {
        this.need(8);
        const v = view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 31:
        return BREAK;
      default:
        throw new CborError('CBOR_UNSUPPORTED', `simple value ${info} at offset ${this.pos - 1}`);
    }
  }
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decodes exactly one CBOR data item that must fill `bytes` completely. */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): Result<{ value: CborValue }, CborReason> {
  const reader = new Reader(bytes, limits);
  try {
    const value = reader.read(0);
    if (value === BREAK) return fail('CBOR_MALFORMED', 'break code at top level');
    if (reader.position !== bytes.length) {
      return fail('CBOR_TRAILING_BYTES', `${bytes.length - reader.position} bytes after the data item`);
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof CborError) return fail(err.reason, err.message);
    // Defensive: anything else (e.g. RangeError from an engine limit) is still a refusal, not a crash.
    return fail('CBOR_MALFORMED', 'decoder stopped on an internal limit');
  }
}
