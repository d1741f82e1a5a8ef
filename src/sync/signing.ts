import { createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../store/canonical-json.js';

/**
 * Ed25519 signatures of the central system over canonical JSON (src/store/canonical-json.ts:
 * sorted keys, no whitespace). `kind` is part of the signed object, so a signature made for a list
 * message can never pass as a command and the other way round, and the target site (and lane, for
 * commands) is signed too, so a message cannot be replayed against another lane or site.
 */
export type SignedKind = 'command' | 'list-delta' | 'list-snapshot';

export function signedBytes(kind: SignedKind, content: Record<string, unknown>): Buffer {
  return Buffer.from(canonicalJson({ ...content, kind }), 'utf8');
}

/** Standard base64 of the 64-byte signature. */
export function signEd25519(privateKey: KeyObject, kind: SignedKind, content: Record<string, unknown>): string {
  return sign(null, signedBytes(kind, content), privateKey).toString('base64');
}

/** True when any of the keys verifies the signature (several keys during a rotation). */
export function verifyEd25519(keys: readonly KeyObject[], kind: SignedKind, content: Record<string, unknown>, sigB64: string): boolean {
  const sig = Buffer.from(sigB64, 'base64');
  if (sig.length !== 64) return false;
  let bytes: Buffer;
  try {
    bytes = signedBytes(kind, content);
  } catch {
    return false; // not canonicalisable (e.g. a non-finite number cannot come from JSON, but be safe)
  }
  return keys.some((key) => {
    try {
      return verify(null, bytes, key, sig);
    } catch {
      return false;
    }
  });
}

/** Reads an Ed25519 private key from PEM (PKCS#8), as written by `openssl genpkey -algorithm ed25519`. */
export function parseEd25519PrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 private key (${key.asymmetricKeyType ?? 'unknown'})`);
  return key;
}
