import { CborTagged, type CborValue } from '../qr/cbor/cbor-value.js';
import { parseIsoTimestamp } from './iso-time.js';

/**
 * Turns decoded CBOR into the JSON shape the DCC vectors hold, and compares the two the way
 * the specification asks (NOTE 2/3 of the test-data README): maps unordered, and a timestamp
 * compares by instant, because issuers encode `2021-05-19T12:00:00Z` as text, as tag 0 with
 * milliseconds, or as tag 1 epoch seconds.
 */
export type JsonLike = null | boolean | number | string | JsonLike[] | { [key: string]: JsonLike };

export function cborToJsonLike(v: CborValue): JsonLike {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(cborToJsonLike);
  if (v instanceof CborTagged) {
    if (v.tag === 1 && typeof v.value === 'number') return new Date(v.value * 1000).toISOString();
    return cborToJsonLike(v.value);
  }
  const out: { [key: string]: JsonLike } = {};
  // defineProperty, not assignment: a `__proto__` key from hostile CBOR must stay plain data.
  for (const [k, val] of v) Object.defineProperty(out, String(k), { value: cborToJsonLike(val), enumerable: true, writable: true, configurable: true });
  return out;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T/u;

function sameString(a: string, b: string): boolean {
  if (a === b) return true;
  if (!DATETIME.test(a) || !DATETIME.test(b)) return false;
  const ta = parseIsoTimestamp(a);
  const tb = parseIsoTimestamp(b);
  return ta !== undefined && tb !== undefined && Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

export function jsonEquivalent(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return sameString(a, b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEquivalent(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const bo = b as Record<string, unknown>;
  return ka.every((k) => Object.hasOwn(bo, k) && jsonEquivalent((a as Record<string, unknown>)[k], bo[k]));
}
