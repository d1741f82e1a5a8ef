import { CborTagged } from '../../../../src/credentials/qr/cbor/cbor-value.js';
import { concatBytes, encodeHead } from '../../../../src/credentials/qr/cbor/encode.js';

/**
 * A deterministic CBOR encoder for building test credentials (definite lengths, shortest
 * integer heads, float64 for non-integers). Plain objects become text-keyed maps.
 */
export type Encodable = number | bigint | string | boolean | null | undefined | Uint8Array | Encodable[] | Map<number | string, Encodable> | CborTagged | { [k: string]: Encodable };

function encodeInt(n: number | bigint): Uint8Array {
  const big = BigInt(n);
  const major = big < 0n ? 1 : 0;
  const v = big < 0n ? -1n - big : big;
  if (v < 0x100000000n) return encodeHead(major, Number(v));
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, v);
  return out;
}

export function encodeCbor(v: Encodable): Uint8Array {
  if (v === null) return Uint8Array.of(0xf6);
  if (v === undefined) return Uint8Array.of(0xf7);
  if (v === true) return Uint8Array.of(0xf5);
  if (v === false) return Uint8Array.of(0xf4);
  if (typeof v === 'bigint') return encodeInt(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return encodeInt(v);
    const out = new Uint8Array(9);
    out[0] = 0xfb;
    new DataView(out.buffer).setFloat64(1, v);
    return out;
  }
  if (typeof v === 'string') {
    const b = new TextEncoder().encode(v);
    return concatBytes([encodeHead(3, b.length), b]);
  }
  if (v instanceof Uint8Array) return concatBytes([encodeHead(2, v.length), v]);
  if (Array.isArray(v)) return concatBytes([encodeHead(4, v.length), ...v.map(encodeCbor)]);
  if (v instanceof CborTagged) return concatBytes([encodeHead(6, v.tag), encodeCbor(v.value as Encodable)]);
  const entries: [number | string, Encodable][] = v instanceof Map ? [...v] : Object.entries(v);
  return concatBytes([encodeHead(5, entries.length), ...entries.flatMap(([k, val]) => [encodeCbor(k), encodeCbor(val)])]);
}
