import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { errorText, fail, type Result } from '../result.js';
import type { SignatureAlgorithm } from './cose-sign1.js';

/** Which DCC kinds a signer may sign: vaccination, test, recovery. */
export type DccType = 'v' | 't' | 'r';
export const ALL_DCC_TYPES: readonly DccType[] = ['v', 't', 'r'];

/**
 * Extended key usage OIDs of the EU DCC specification. Many national signer certificates carry
 * the variant with an extra `.0` (1.3.6.1.4.1.0.1847...), a mistake that became common enough
 * that verifiers accept both.
 */
const DCC_EKU: Readonly<Record<string, DccType>> = {
  '1.3.6.1.4.1.1847.2021.1.1': 't',
  '1.3.6.1.4.1.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.1847.2021.1.3': 'r',
  '1.3.6.1.4.1.0.1847.2021.1.1': 't',
  '1.3.6.1.4.1.0.1847.2021.1.2': 'v',
  '1.3.6.1.4.1.0.1847.2021.1.3': 'r',
};

export interface TrustEntry {
  /** Hex of the COSE key id (for the EU DCC: the first 8 bytes of SHA-256 of the certificate DER). */
  kidHex: string;
  publicKey: KeyObject;
  /** The algorithm this key can verify: EC P-256 -> ES256, RSA -> PS256. */
  alg: SignatureAlgorithm;
  /** Signer validity window in epoch ms, when known (from the certificate). */
  notBefore?: number;
  notAfter?: number;
  /** Kinds this signer may sign; all when the certificate restricts nothing. */
  allowedTypes: ReadonlySet<DccType>;
  /** Country or issuer label for reports (never personal). */
  label?: string;
}

export type TrustListReason = 'TRUST_CERT_INVALID' | 'TRUST_KEY_UNSUPPORTED';

export function kidOfCertificate(der: Uint8Array): Uint8Array {
  return createHash('sha256').update(der).digest().subarray(0, 8);
}

function algorithmForKey(key: KeyObject): SignatureAlgorithm | undefined {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'PS256';
  return undefined;
}

/**
 * Key-usage policy, chosen to agree with the DCC conformance vectors: a certificate without the
 * extended-key-usage extension may sign every kind; one that has the extension may sign only
 * the kinds whose DCC OIDs it lists (so an EKU holding only unrelated OIDs signs nothing).
 */
export function allowedTypesFromEku(eku: readonly string[] | undefined): Set<DccType> {
  if (!eku) return new Set(ALL_DCC_TYPES);
  const out = new Set<DccType>();
  for (const oid of eku) {
    const t = DCC_EKU[oid];
    if (t) out.add(t);
  }
  return out;
}

/** Builds a trust entry from a DER (or base64 DER) X.509 signer certificate. */
export function trustEntryFromCertificate(cert: Uint8Array | string, label?: string): Result<{ entry: TrustEntry }, TrustListReason> {
  let der: Uint8Array;
  let x509: X509Certificate;
  try {
    der = typeof cert === 'string' ? Buffer.from(cert, 'base64') : cert;
    x509 = new X509Certificate(der);
  } catch (err) {
    return fail('TRUST_CERT_INVALID', `certificate does not parse: ${errorText(err)}`);
  }
  const alg = algorithmForKey(x509.publicKey);
  if (!alg) return fail('TRUST_KEY_UNSUPPORTED', `key type ${x509.publicKey.asymmetricKeyType ?? 'unknown'} (supported: EC P-256, RSA)`);
  const notBefore = Date.parse(x509.validFrom);
  const notAfter = Date.parse(x509.validTo);
  const entry: TrustEntry = {
    kidHex: Buffer.from(kidOfCertificate(der)).toString('hex'),
    publicKey: x509.publicKey,
    alg,
    allowedTypes: allowedTypesFromEku(x509.keyUsage),
  };
  if (Number.isFinite(notBefore)) entry.notBefore = notBefore;
  if (Number.isFinite(notAfter)) entry.notAfter = notAfter;
  if (label !== undefined) entry.label = label;
  return { ok: true, entry };
}

/** Signer keys by key id. Built from the central system's trust list; read-only while verifying. */
export class TrustList {
  private readonly byKid = new Map<string, TrustEntry>();

  add(entry: TrustEntry): void {
    this.byKid.set(entry.kidHex.toLowerCase(), entry);
  }

  lookup(kid: Uint8Array): TrustEntry | undefined {
    return this.byKid.get(Buffer.from(kid.buffer, kid.byteOffset, kid.byteLength).toString('hex'));
  }

  get size(): number {
    return this.byKid.size;
  }
}
