import type { Clock } from '../../util/clock.js';
import { fail, type Failure, type Result } from '../result.js';
import { base45Decode } from './base45.js';
import { inflateBounded } from './bounded-inflate.js';
import type { CborKey, CborValue } from './cbor/cbor-value.js';
import { decodeCoseSign1 } from './cose-sign1.js';
import { verifyCoseSignature } from './cose-signature.js';
import { checkKeyUsage, checkValidityWindow, decodeCwtClaims, DEFAULT_VALIDITY_POLICY, type ValidityPolicy } from './cwt-claims.js';
import { DEFAULT_SIGNED_QR_LIMITS, type SignedQrLimits } from './signed-qr-limits.js';
import type { DccType, TrustList } from './trust-list.js';

export const DCC_PREFIX = 'HC1:';

/** Reason codes of the whole signed-QR path, in pipeline order (documented in docs/credentials.md). */
export type SignedQrReason =
  | 'QR_EMPTY'
  | 'QR_TOO_LONG'
  | 'QR_PREFIX_UNKNOWN'
  | 'QR_BASE45_INVALID'
  | 'QR_ZLIB_INVALID'
  | 'QR_ZLIB_TOO_LARGE'
  | 'QR_CBOR_INVALID'
  | 'QR_COSE_STRUCTURE'
  | 'QR_COSE_ALG_UNSUPPORTED'
  | 'QR_COSE_KID_MISSING'
  | 'QR_UNKNOWN_KID'
  | 'QR_ALG_KEY_MISMATCH'
  | 'QR_SIGNATURE_INVALID'
  | 'QR_CWT_INVALID'
  | 'QR_HCERT_MISSING'
  | 'QR_TIME_CLAIMS_MISSING'
  | 'QR_NOT_YET_VALID'
  | 'QR_EXPIRED'
  | 'QR_ISSUED_OUTSIDE_SIGNER_VALIDITY'
  | 'QR_OUTLIVES_SIGNER'
  | 'QR_DCC_TYPE_UNCLEAR'
  | 'QR_KEY_USAGE_MISMATCH'
  | 'QR_INTERNAL_ERROR';

export interface VerifiedSignedQr {
  kidHex: string;
  alg: 'ES256' | 'PS256';
  issuer?: string;
  issuedAt: number;
  expiresAt: number;
  dccType: DccType;
  /** The decoded health certificate: personal data, hand it to the decision engine, never to logs. */
  hcert: Map<CborKey, CborValue>;
}

export type SignedQrResult = Result<VerifiedSignedQr, SignedQrReason>;

export interface VerifySignedQrOptions {
  trustList: TrustList;
  clock: Pick<Clock, 'now'>;
  limits?: SignedQrLimits;
  validity?: ValidityPolicy;
}

/** Strips the context prefix; scanners often append CR/LF, which is not part of the payload. */
export function unprefixDcc(text: string, maxChars: number = DEFAULT_SIGNED_QR_LIMITS.maxTextChars): Result<{ base45: string }, 'QR_EMPTY' | 'QR_TOO_LONG' | 'QR_PREFIX_UNKNOWN'> {
  if (text.length > maxChars + 8) return fail('QR_TOO_LONG', `${text.length} characters, limit ${maxChars}`);
  const trimmed = text.replace(/[\r\n]+$/u, '');
  if (trimmed.length === 0) return fail('QR_EMPTY', 'empty payload');
  if (trimmed.length > maxChars) return fail('QR_TOO_LONG', `${trimmed.length} characters, limit ${maxChars}`);
  if (!trimmed.startsWith(DCC_PREFIX)) {
    const colon = trimmed.indexOf(':');
    // Only a short, purely alphanumeric context identifier is quoted: it is a scheme, not personal data.
    const ctx = colon > 0 && colon <= 4 && /^[A-Z0-9]+$/u.test(trimmed.slice(0, colon)) ? ` '${trimmed.slice(0, colon + 1)}'` : '';
    return fail('QR_PREFIX_UNKNOWN', `context identifier${ctx} is not ${DCC_PREFIX}`);
  }
  return { ok: true, base45: trimmed.slice(DCC_PREFIX.length) };
}

/** Inflates the COSE bytes out of the Base45 text (steps 2-3 of the pipeline). */
export function base45ToCose(base45: string, limits: SignedQrLimits = DEFAULT_SIGNED_QR_LIMITS): Result<{ compressed: Uint8Array; cose: Uint8Array }, SignedQrReason> {
  const b = base45Decode(base45);
  if (!b.ok) return fail('QR_BASE45_INVALID', `${b.reason}: ${b.detail}`);
  const inflated = inflateBounded(b.bytes, limits.maxInflatedBytes);
  if (!inflated.ok) return fail(inflated.reason === 'ZLIB_TOO_LARGE' ? 'QR_ZLIB_TOO_LARGE' : 'QR_ZLIB_INVALID', inflated.detail);
  return { ok: true, compressed: b.bytes, cose: inflated.bytes };
}

const COSE_REASON: Record<string, SignedQrReason> = {
  COSE_CBOR_INVALID: 'QR_CBOR_INVALID',
  COSE_STRUCTURE: 'QR_COSE_STRUCTURE',
  COSE_ALG_UNSUPPORTED: 'QR_COSE_ALG_UNSUPPORTED',
  COSE_KID_MISSING: 'QR_COSE_KID_MISSING',
};

/** Verifies COSE bytes: structure, signer, signature, claims, validity window, key usage. */
export function verifyCoseBytes(coseBytes: Uint8Array, options: VerifySignedQrOptions): SignedQrResult {
  const limits = options.limits ?? DEFAULT_SIGNED_QR_LIMITS;
  const cose = decodeCoseSign1(coseBytes, limits.cbor);
  if (!cose.ok) return fail(COSE_REASON[cose.reason] ?? 'QR_COSE_STRUCTURE', cose.detail);
  const sig = verifyCoseSignature(cose.cose, options.trustList);
  if (!sig.ok) return sig;
  // Claims are parsed only after the signature holds: unauthenticated payloads get no deeper look.
  const claims = decodeCwtClaims(cose.cose.payload, limits.cbor);
  if (!claims.ok) return claims;
  const window = checkValidityWindow(claims.claims, sig.entry, options.clock.now(), options.validity ?? DEFAULT_VALIDITY_POLICY);
  if (!window.ok) return window;
  const usage = checkKeyUsage(claims.claims.hcert, sig.entry);
  if (!usage.ok) return usage;
  const c = claims.claims;
  const out: VerifiedSignedQr = {
    kidHex: sig.entry.kidHex,
    alg: cose.cose.alg,
    issuedAt: c.issuedAt!,
    expiresAt: c.expiresAt!,
    dccType: usage.type,
    hcert: c.hcert,
  };
  if (c.issuer !== undefined) out.issuer = c.issuer;
  return { ok: true, ...out };
}

/**
 * The whole offline path for a scanned signed QR credential:
 * HC1: prefix -> Base45 -> zlib (bounded) -> COSE_Sign1 -> signature -> CWT claims -> time -> key usage.
 * Never throws; every refusal carries a reason code from SignedQrReason.
 */
export function verifySignedQr(text: string, options: VerifySignedQrOptions): SignedQrResult {
  try {
    const limits = options.limits ?? DEFAULT_SIGNED_QR_LIMITS;
    const un = unprefixDcc(text, limits.maxTextChars);
    if (!un.ok) return un;
    const inflated = base45ToCose(un.base45, limits);
    if (!inflated.ok) return inflated;
    return verifyCoseBytes(inflated.cose, options);
  } catch {
    // Unreachable by design (every step returns results); kept so a future bug degrades to a refusal.
    return internalFailure;
  }
}

const internalFailure: Failure<SignedQrReason> = { ok: false, reason: 'QR_INTERNAL_ERROR', detail: 'internal error while verifying' };
