import { fail, type Result } from '../result.js';
import { CborTagged, isBytes, isCborMap, type CborKey, type CborValue } from './cbor/cbor-value.js';
import { decodeCbor, type CborLimits, DEFAULT_CBOR_LIMITS } from './cbor/strict-decode.js';

/** COSE header labels and algorithm ids (RFC 9052/9053, RFC 8230). */
const HEADER_ALG = 1;
const HEADER_KID = 4;
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;

export const COSE_ALG_ES256 = -7;
export const COSE_ALG_PS256 = -37;
export type SignatureAlgorithm = 'ES256' | 'PS256';

export interface CoseSign1 {
  /** The protected header exactly as received: the signature covers these bytes, not a re-encoding. */
  protectedBytes: Uint8Array;
  protectedHeader: Map<CborKey, CborValue>;
  unprotectedHeader: Map<CborKey, CborValue>;
  payload: Uint8Array;
  signature: Uint8Array;
  alg: SignatureAlgorithm;
  /** Key id from the protected header when present there, else from the unprotected one. */
  kid: Uint8Array;
  kidSource: 'protected' | 'unprotected';
}

export type CoseReason = 'COSE_CBOR_INVALID' | 'COSE_STRUCTURE' | 'COSE_ALG_UNSUPPORTED' | 'COSE_KID_MISSING';

function algorithmOf(value: CborValue | undefined): SignatureAlgorithm | undefined {
  if (value === COSE_ALG_ES256) return 'ES256';
  if (value === COSE_ALG_PS256) return 'PS256';
  return undefined;
}

/**
 * Parses a COSE_Sign1 message: tagged 18, untagged, or wrapped in the CWT tag 61 as some
 * issuers do. Checks structure only; the signature is verified by verifyCoseSignature().
 */
export function decodeCoseSign1(bytes: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): Result<{ cose: CoseSign1 }, CoseReason> {
  const decoded = decodeCbor(bytes, limits);
  if (!decoded.ok) return fail('COSE_CBOR_INVALID', `${decoded.reason}: ${decoded.detail}`);
  let top: CborValue = decoded.value;
  if (top instanceof CborTagged && top.tag === TAG_CWT) top = top.value;
  if (top instanceof CborTagged) {
    if (top.tag !== TAG_COSE_SIGN1) return fail('COSE_STRUCTURE', `tag ${top.tag} is not COSE_Sign1 (18)`);
    top = top.value;
  }
  if (!Array.isArray(top) || top.length !== 4) {
    return fail('COSE_STRUCTURE', Array.isArray(top) ? `array of ${top.length} items, COSE_Sign1 has 4` : 'not an array');
  }
  const [protectedRaw, unprotectedRaw, payloadRaw, signatureRaw] = top as [CborValue, CborValue, CborValue, CborValue];
  if (!isBytes(protectedRaw)) return fail('COSE_STRUCTURE', 'protected header is not a byte string');
  if (!isCborMap(unprotectedRaw)) return fail('COSE_STRUCTURE', 'unprotected header is not a map');
  if (!isBytes(payloadRaw)) return fail('COSE_STRUCTURE', 'payload is not a byte string (detached payloads are not accepted)');
  if (!isBytes(signatureRaw)) return fail('COSE_STRUCTURE', 'signature is not a byte string');

  let protectedHeader = new Map<CborKey, CborValue>();
  if (protectedRaw.length > 0) {
    const ph = decodeCbor(protectedRaw, limits);
    if (!ph.ok) return fail('COSE_STRUCTURE', `protected header: ${ph.reason}`);
    if (!isCborMap(ph.value)) return fail('COSE_STRUCTURE', 'protected header does not encode a map');
    protectedHeader = ph.value;
  }

  // The algorithm must be protected (RFC 9052: otherwise an attacker could swap it).
  const alg = algorithmOf(protectedHeader.get(HEADER_ALG));
  if (!alg) {
    const raw = protectedHeader.get(HEADER_ALG) ?? unprotectedRaw.get(HEADER_ALG);
    return fail('COSE_ALG_UNSUPPORTED', raw === undefined ? 'no alg in the protected header' : `alg ${String(raw)} (supported: ES256 -7, PS256 -37)`);
  }

  const pKid = protectedHeader.get(HEADER_KID);
  const uKid = unprotectedRaw.get(HEADER_KID);
  let kid: Uint8Array;
  let kidSource: CoseSign1['kidSource'];
  if (pKid !== undefined) {
    if (!isBytes(pKid)) return fail('COSE_STRUCTURE', 'protected kid is not a byte string');
    kid = pKid;
    kidSource = 'protected';
  } else if (uKid !== undefined) {
    if (!isBytes(uKid)) return fail('COSE_STRUCTURE', 'unprotected kid is not a byte string');
    kid = uKid;
    kidSource = 'unprotected';
  } else {
    return fail('COSE_KID_MISSING', 'no kid in either header');
  }
  if (kid.length === 0 || kid.length > 64) return fail('COSE_KID_MISSING', `kid of ${kid.length} bytes`);

  return {
    ok: true,
    cose: { protectedBytes: protectedRaw, protectedHeader, unprotectedHeader: unprotectedRaw, payload: payloadRaw, signature: signatureRaw, alg, kid, kidSource },
  };
}
