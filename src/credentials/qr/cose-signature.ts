import { constants, verify } from 'node:crypto';
import { fail, type Result } from '../result.js';
import { sign1SigStructure } from './cbor/encode.js';
import type { CoseSign1 } from './cose-sign1.js';
import type { TrustEntry, TrustList } from './trust-list.js';

export type SignatureReason = 'QR_UNKNOWN_KID' | 'QR_ALG_KEY_MISMATCH' | 'QR_SIGNATURE_INVALID';

/** ES256 signatures in COSE are r||s, 32 bytes each (RFC 9053 section 2.1), not DER. */
const ES256_SIGNATURE_BYTES = 64;

export function verifyWithEntry(cose: CoseSign1, entry: TrustEntry): Result<object, SignatureReason> {
  if (cose.alg !== entry.alg) return fail('QR_ALG_KEY_MISMATCH', `message uses ${cose.alg}, signer key is for ${entry.alg}`);
  const data = sign1SigStructure(cose.protectedBytes, cose.payload);
  let good = false;
  try {
    if (cose.alg === 'ES256') {
      if (cose.signature.length !== ES256_SIGNATURE_BYTES) {
        return fail('QR_SIGNATURE_INVALID', `ES256 signature of ${cose.signature.length} bytes, expected 64`);
      }
      good = verify('sha256', data, { key: entry.publicKey, dsaEncoding: 'ieee-p1363' }, cose.signature);
    } else {
      // RFC 8230: PS256 uses MGF1 with SHA-256 and a salt as long as the hash (32 bytes).
      good = verify('sha256', data, { key: entry.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, cose.signature);
    }
  } catch {
    // OpenSSL rejects malformed signatures (wrong length for the modulus, ...) by throwing.
    good = false;
  }
  return good ? { ok: true } : fail('QR_SIGNATURE_INVALID', `${cose.alg} signature does not verify`);
}

/** Finds the signer by key id and verifies the COSE_Sign1 signature. */
export function verifyCoseSignature(cose: CoseSign1, trustList: TrustList): Result<{ entry: TrustEntry }, SignatureReason> {
  const entry = trustList.lookup(cose.kid);
  if (!entry) return fail('QR_UNKNOWN_KID', `kid ${Buffer.from(cose.kid).toString('hex')} (${cose.kidSource} header) not in the trust list`);
  const v = verifyWithEntry(cose, entry);
  return v.ok ? { ok: true, entry } : v;
}
