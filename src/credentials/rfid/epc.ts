import { fail, type Result } from '../result.js';
import { bitsAt, readerHex, type ReaderHexReason } from './reader-hex.js';

/**
 * EPC decoding per the GS1 EPC Tag Data Standard for the 96-bit schemes used on vehicles,
 * containers and returnable assets: SGTIN-96, GRAI-96, GIAI-96. Any other header is reported
 * as a raw EPC (urn:epc:raw:...), still usable as an opaque identifier.
 */
export type EpcScheme = 'sgtin-96' | 'grai-96' | 'giai-96' | 'raw';

export interface DecodedEpc {
  scheme: EpcScheme;
  /** Upper-case hex of the EPC alone (PC word removed): the value to hash and compare. */
  hex: string;
  bits: number;
  /** urn:epc:tag:... for the known schemes, urn:epc:raw:<bits>.x<hex> otherwise. */
  tagUri: string;
  /** urn:epc:id:... (pure identity) for the known schemes. */
  pureIdentityUri?: string;
  filter?: number;
  partition?: number;
  companyPrefix?: string;
  /** SGTIN: indicator digit + item reference; GRAI: asset type; GIAI: individual asset reference. */
  reference?: string;
  serial?: string;
  /** SGTIN only: the GTIN-14 with its check digit. */
  gtin?: string;
}

export type EpcReason = ReaderHexReason | 'EPC_PC_MISMATCH' | 'EPC_LENGTH_MISMATCH' | 'EPC_BAD_PARTITION' | 'EPC_FIELD_OUT_OF_RANGE';

export interface DecodeEpcOptions {
  /** The reader reports the PC word before the EPC; its length field says how many words follow. */
  includesPc?: boolean;
}

/** Gen2 EPC bank: at most 31 words of EPC after the PC word (plus PC and a spare word here). */
const MAX_EPC_BITS = 528;

/** Partition table rows: company prefix bits and digits, then the reference's bits and digits. */
type PartitionRow = readonly [cpBits: number, cpDigits: number, refBits: number, refDigits: number];
const SGTIN_PARTITIONS: readonly PartitionRow[] = [
  [40, 12, 4, 1],
  [37, 11, 7, 2],
  [34, 10, 10, 3],
  [30, 9, 14, 4],
  [27, 8, 17, 5],
  [24, 7, 20, 6],
  [20, 6, 24, 7],
];
// GRAI: same bit split as SGTIN, one digit fewer (no indicator digit in the asset type).
const GRAI_PARTITIONS: readonly PartitionRow[] = SGTIN_PARTITIONS.map(([cb, cd, rb, rd]) => [cb, cd, rb, rd - 1] as const);
const GIAI_PARTITIONS: readonly PartitionRow[] = [
  [40, 12, 42, 13],
  [37, 11, 45, 14],
  [34, 10, 48, 15],
  [30, 9, 52, 16],
  [27, 8, 55, 17],
  [24, 7, 58, 18],
  [20, 6, 62, 19],
];

const HEADERS: Readonly<Record<number, Exclude<EpcScheme, 'raw'>>> = { 0x30: 'sgtin-96', 0x33: 'grai-96', 0x34: 'giai-96' };

/** GS1 mod-10 check digit over the digits (weights 3,1,3,... from the right). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    sum += d * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

function decimalField(value: bigint, digits: number, what: string): Result<{ text: string }, 'EPC_FIELD_OUT_OF_RANGE'> {
  // TDS decoding rule: a partitioned field whose value has more digits than the partition allows is invalid.
  if (value >= 10n ** BigInt(digits)) return fail('EPC_FIELD_OUT_OF_RANGE', `${what} exceeds ${digits} digits`);
  return { ok: true, text: digits === 0 ? '' : value.toString().padStart(digits, '0') };
}

function decode96(scheme: Exclude<EpcScheme, 'raw'>, hex: string): Result<DecodedEpc, EpcReason> {
  const v = BigInt(`0x${hex}`);
  const filter = Number(bitsAt(v, 96, 8, 3));
  const partition = Number(bitsAt(v, 96, 11, 3));
  const table = scheme === 'sgtin-96' ? SGTIN_PARTITIONS : scheme === 'grai-96' ? GRAI_PARTITIONS : GIAI_PARTITIONS;
  const row = table[partition];
  if (!row) return fail('EPC_BAD_PARTITION', `partition value ${partition} is reserved`);
  const [cpBits, cpDigits, refBits, refDigits] = row;
  const cp = decimalField(bitsAt(v, 96, 14, cpBits), cpDigits, 'company prefix');
  if (!cp.ok) return cp;
  const refValue = bitsAt(v, 96, 14 + cpBits, refBits);
  const base = { hex, bits: 96, filter, partition, companyPrefix: cp.text };

  if (scheme === 'giai-96') {
    // The individual asset reference is an integer without leading zeros, up to refDigits digits.
    if (refValue >= 10n ** BigInt(refDigits)) return fail('EPC_FIELD_OUT_OF_RANGE', `asset reference exceeds ${refDigits} digits`);
    const ref = refValue.toString();
    return {
      ok: true,
      scheme,
      ...base,
      reference: ref,
      tagUri: `urn:epc:tag:giai-96:${filter}.${cp.text}.${ref}`,
      pureIdentityUri: `urn:epc:id:giai:${cp.text}.${ref}`,
    };
  }
  const ref = decimalField(refValue, refDigits, scheme === 'sgtin-96' ? 'item reference' : 'asset type');
  if (!ref.ok) return ref;
  const serial = bitsAt(v, 96, 58, 38).toString();
  const kind = scheme === 'sgtin-96' ? 'sgtin' : 'grai';
  const out: DecodedEpc = {
    scheme,
    ...base,
    reference: ref.text,
    serial,
    tagUri: `urn:epc:tag:${scheme}:${filter}.${cp.text}.${ref.text}.${serial}`,
    pureIdentityUri: `urn:epc:id:${kind}:${cp.text}.${ref.text}.${serial}`,
  };
  if (scheme === 'sgtin-96') {
    const body = ref.text.slice(0, 1) + cp.text + ref.text.slice(1);
    out.gtin = body + String(gs1CheckDigit(body));
  }
  return { ok: true, ...out };
}

export function decodeEpc(text: string, options: DecodeEpcOptions = {}): Result<DecodedEpc, EpcReason> {
  const parsed = readerHex(text, MAX_EPC_BITS);
  if (!parsed.ok) return parsed;
  let hex = parsed.hex;
  if (options.includesPc) {
    const pc = parseInt(hex.slice(0, 4), 16);
    const words = pc >> 11;
    const available = (hex.length - 4) / 4;
    if (words > available) return fail('EPC_PC_MISMATCH', `PC word announces ${words} words, ${available} present`);
    hex = hex.slice(4, 4 + words * 4);
    if (hex.length === 0) return fail('HEX_EMPTY', 'PC word announces an empty EPC');
  }
  const scheme = HEADERS[parseInt(hex.slice(0, 2), 16)];
  if (scheme) {
    // Memory banks are often larger than the EPC: zero words after the 96 bits are padding.
    if (hex.length < 24 || !/^0*$/u.test(hex.slice(24))) {
      return fail('EPC_LENGTH_MISMATCH', `${scheme} header with ${hex.length * 4} bits of non-zero data`);
    }
    return decode96(scheme, hex.slice(0, 24));
  }
  return { ok: true, scheme: 'raw', hex, bits: hex.length * 4, tagUri: `urn:epc:raw:${hex.length * 4}.x${hex}` };
}
