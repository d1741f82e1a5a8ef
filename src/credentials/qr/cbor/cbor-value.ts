/**
 * The values our strict CBOR decoder produces. Maps keep CBOR keys as they are (COSE uses
 * integer keys, DCC payloads text keys), so a `Map` rather than a plain object.
 */
export type CborKey = number | bigint | string;

export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborKey, CborValue>
  | CborTagged;

export class CborTagged {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export function isCborMap(v: CborValue): v is Map<CborKey, CborValue> {
  return v instanceof Map;
}

export function isBytes(v: CborValue): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** Integer claim value as a number (CWT times are integers, sometimes floats from lax issuers). */
export function asFiniteNumber(v: CborValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)) return Number(v);
  return undefined;
}
