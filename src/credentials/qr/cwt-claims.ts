import { fail, type Result } from '../result.js';
import { asFiniteNumber, isCborMap, type CborKey, type CborValue } from './cbor/cbor-value.js';
import { decodeCbor, DEFAULT_CBOR_LIMITS, type CborLimits } from './cbor/strict-decode.js';
import type { DccType, TrustEntry } from './trust-list.js';

/** CWT claim keys (RFC 8392) and the EU DCC health-certificate claim. */
const CLAIM_ISS = 1;
const CLAIM_EXP = 4;
const CLAIM_NBF = 5;
const CLAIM_IAT = 6;
const CLAIM_HCERT = -260;
const HCERT_EU_DCC_V1 = 1;

export interface CwtClaims {
  /** Issuer country (ISO 3166 alpha-2) when present. */
  issuer?: string;
  /** Seconds since the epoch. */
  issuedAt?: number;
  expiresAt?: number;
  notBefore?: number;
  /** The health certificate (claim -260 / 1): personal data, never log it. */
  hcert: Map<CborKey, CborValue>;
}

export type ClaimsReason = 'QR_CWT_INVALID' | 'QR_HCERT_MISSING';
export type ValidityReason =
  | 'QR_TIME_CLAIMS_MISSING'
  | 'QR_NOT_YET_VALID'
  | 'QR_EXPIRED'
  | 'QR_ISSUED_OUTSIDE_SIGNER_VALIDITY'
  | 'QR_OUTLIVES_SIGNER';
export type KeyUsageReason = 'QR_DCC_TYPE_UNCLEAR' | 'QR_KEY_USAGE_MISMATCH';

function timeClaim(claims: Map<CborKey, CborValue>, key: number): Result<{ value: number | undefined }, 'QR_CWT_INVALID'> {
  const raw = claims.get(key);
  if (raw === undefined) return { ok: true, value: undefined };
  const n = asFiniteNumber(raw);
  if (n === undefined) return fail('QR_CWT_INVALID', `claim ${key} is not a number`);
  return { ok: true, value: n };
}

export function decodeCwtClaims(payload: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): Result<{ claims: CwtClaims }, ClaimsReason> {
  const decoded = decodeCbor(payload, limits);
  if (!decoded.ok) return fail('QR_CWT_INVALID', `payload: ${decoded.reason}`);
  const map = decoded.value;
  if (!isCborMap(map)) return fail('QR_CWT_INVALID', 'payload is not a CBOR map');
  const hcertContainer = map.get(CLAIM_HCERT);
  if (!isCborMap(hcertContainer ?? null)) return fail('QR_HCERT_MISSING', 'no health-certificate claim (-260)');
  const hcert = (hcertContainer as Map<CborKey, CborValue>).get(HCERT_EU_DCC_V1);
  if (!isCborMap(hcert ?? null)) return fail('QR_HCERT_MISSING', 'claim -260 has no map under key 1');
  const claims: CwtClaims = { hcert: hcert as Map<CborKey, CborValue> };
  const iss = map.get(CLAIM_ISS);
  if (iss !== undefined) {
    if (typeof iss !== 'string' || iss.length > 256) return fail('QR_CWT_INVALID', 'iss is not a text string of at most 256 characters');
    claims.issuer = iss;
  }
  for (const [key, field] of [
    [CLAIM_IAT, 'issuedAt'],
    [CLAIM_EXP, 'expiresAt'],
    [CLAIM_NBF, 'notBefore'],
  ] as const) {
    const t = timeClaim(map, key);
    if (!t.ok) return t;
    if (t.value !== undefined) claims[field] = t.value;
  }
  return { ok: true, claims };
}

export interface ValidityPolicy {
  /** Tolerated clock difference between issuer and lane, in seconds (both directions). */
  clockSkewSeconds: number;
  /** Refuse a credential issued while its signer certificate was not valid. */
  requireIssuedWithinSigner: boolean;
  /** Refuse a credential whose expiry lies after its signer certificate's notAfter. */
  requireExpiryWithinSigner: boolean;
}

export const DEFAULT_VALIDITY_POLICY: ValidityPolicy = {
  clockSkewSeconds: 0,
  requireIssuedWithinSigner: true,
  requireExpiryWithinSigner: true,
};

/**
 * Time checks against the injected clock: issued-at and not-before must not lie in the future,
 * expiry must not lie in the past, and (policy) the credential must sit inside its signer's
 * certificate validity. `nowMs` comes from Clock.now(), never from Date.now() here.
 */
export function checkValidityWindow(
  claims: CwtClaims,
  entry: Pick<TrustEntry, 'notBefore' | 'notAfter'> | undefined,
  nowMs: number,
  policy: ValidityPolicy = DEFAULT_VALIDITY_POLICY,
): Result<object, ValidityReason> {
  if (claims.expiresAt === undefined || claims.issuedAt === undefined) {
    return fail('QR_TIME_CLAIMS_MISSING', `missing ${claims.expiresAt === undefined ? 'exp' : 'iat'} claim`);
  }
  const now = nowMs / 1000;
  const skew = policy.clockSkewSeconds;
  const iso = (s: number): string => (Number.isFinite(s) && Math.abs(s) < 1e11 ? new Date(s * 1000).toISOString() : String(s));
  if (claims.issuedAt > now + skew) return fail('QR_NOT_YET_VALID', `issued at ${iso(claims.issuedAt)}, after the lane clock`);
  if (claims.notBefore !== undefined && claims.notBefore > now + skew) {
    return fail('QR_NOT_YET_VALID', `not valid before ${iso(claims.notBefore)}`);
  }
  if (claims.expiresAt < now - skew) return fail('QR_EXPIRED', `expired at ${iso(claims.expiresAt)}`);
  if (entry && policy.requireIssuedWithinSigner) {
    const issuedMs = claims.issuedAt * 1000;
    if ((entry.notBefore !== undefined && issuedMs < entry.notBefore) || (entry.notAfter !== undefined && issuedMs > entry.notAfter)) {
      return fail('QR_ISSUED_OUTSIDE_SIGNER_VALIDITY', `issued at ${iso(claims.issuedAt)}, outside the signer certificate validity`);
    }
  }
  if (entry && policy.requireExpiryWithinSigner && entry.notAfter !== undefined && claims.expiresAt * 1000 > entry.notAfter) {
    return fail('QR_OUTLIVES_SIGNER', `expires ${iso(claims.expiresAt)}, after the signer certificate`);
  }
  return { ok: true };
}

/** The DCC kind: exactly one of v (vaccination), t (test), r (recovery) with a non-empty array. */
export function dccTypeOf(hcert: Map<CborKey, CborValue>): Result<{ type: DccType }, 'QR_DCC_TYPE_UNCLEAR'> {
  const present = (['v', 't', 'r'] as const).filter((k) => hcert.has(k));
  if (present.length !== 1) return fail('QR_DCC_TYPE_UNCLEAR', `${present.length} of the kinds v/t/r present, expected exactly 1`);
  const type = present[0]!;
  const entries = hcert.get(type);
  if (!Array.isArray(entries) || entries.length === 0) return fail('QR_DCC_TYPE_UNCLEAR', `'${type}' is not a non-empty array`);
  return { ok: true, type };
}

export function checkKeyUsage(hcert: Map<CborKey, CborValue>, entry: Pick<TrustEntry, 'allowedTypes'>): Result<{ type: DccType }, KeyUsageReason> {
  const t = dccTypeOf(hcert);
  if (!t.ok) return t;
  if (!entry.allowedTypes.has(t.type)) {
    return fail('QR_KEY_USAGE_MISMATCH', `signer may sign [${[...entry.allowedTypes].join(',')}], credential is '${t.type}'`);
  }
  return t;
}
