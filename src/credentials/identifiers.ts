/**
 * Normalisers for identifiers that are stored and looked up as keyed hashes
 * (src/store/keyed-hash.ts: HMAC-SHA256 over `kind + ':' + normalised value`). Two readings of
 * the same document, token, plate or tag must give the same string, or the hash lookup misses.
 */
export const IDENTIFIER_KIND = {
  qrToken: 'qr-token',
  documentNumber: 'document-number',
  plate: 'plate',
  epc: 'epc',
} as const;

export type IdentifierKind = (typeof IDENTIFIER_KIND)[keyof typeof IDENTIFIER_KIND];

/** The store's keyed hash with the key already bound: (kind, normalised value) -> digest. */
export type IdentifierHasher = (kind: IdentifierKind, normalisedValue: string) => Uint8Array;

/**
 * Document numbers from an MRZ, a QR payload or an operator keyboard: upper case, full-width
 * forms folded (NFKC), and everything but A-Z and 0-9 removed (MRZ fillers `<`, spaces, dashes).
 * Letters are never mapped to digits here: O and 0 are different document numbers.
 */
export function normaliseDocumentNumber(value: string): string {
  return value.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/gu, '');
}

/** EPC or TID hex as readers report it ("30 74 25", "0x3074-25", lower case) -> upper-case hex. */
export function normaliseEpcHex(value: string): string {
  return value.replace(/^\s*0x/iu, '').replace(/[\s:.-]/gu, '').toUpperCase();
}
