import { createHmac, type KeyObject, createSecretKey } from 'node:crypto';

/**
 * Keyed hashes of identifiers (document numbers, QR tokens, border passes): the cache stores
 * HMAC-SHA256(siteKey, kind + ':' + value) instead of the value, so a stolen disk does not leak
 * document numbers, and without the per-site key (kept in the secrets file, not on the data
 * disk) nobody can test guesses against the cache.
 *
 * The value must already be normalised by the caller (src/credentials/identifiers.ts): two
 * readings of one document must give the same string, and the normaliser belongs to the parser
 * that understands the identifier, not to the store. The kind is part of the message so a token
 * and a document number with the same text never collide.
 */
export const KEYED_HASH_BYTES = 32;
export const SITE_KEY_MIN_BYTES = 32;

const KIND_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

export class KeyedHashInputError extends Error {
  override readonly name = 'KeyedHashInputError';
}

function checkInputs(key: Buffer | KeyObject, kind: string, value: string): void {
  if (Buffer.isBuffer(key) && key.length < SITE_KEY_MIN_BYTES) {
    throw new KeyedHashInputError(`site key is ${key.length} bytes; at least ${SITE_KEY_MIN_BYTES} are required`);
  }
  if (!KIND_PATTERN.test(kind)) {
    throw new KeyedHashInputError(`identifier kind must be 1-32 characters of a-z, 0-9 and "-" (got ${kind.length} characters)`);
  }
  // Never echo the value: it is the personal data this module exists to protect.
  if (value.length === 0) throw new KeyedHashInputError(`empty ${kind} value`);
}

/** HMAC-SHA256(key, kind + ':' + value) as a 32-byte Buffer. Throws KeyedHashInputError on bad input. */
export function keyedHash(key: Buffer, kind: string, value: string): Buffer {
  checkInputs(key, kind, value);
  return createHmac('sha256', key).update(`${kind}:${value}`, 'utf8').digest();
}

/**
 * The same hash with the key bound once (as a KeyObject, which skips re-importing the key on
 * every call): what the store and the lane hand around instead of the raw key.
 */
export type BoundKeyedHash = (kind: string, value: string) => Buffer;

export function bindKeyedHash(key: Buffer): BoundKeyedHash {
  if (key.length < SITE_KEY_MIN_BYTES) {
    throw new KeyedHashInputError(`site key is ${key.length} bytes; at least ${SITE_KEY_MIN_BYTES} are required`);
  }
  const keyObject = createSecretKey(Buffer.from(key));
  return (kind, value) => {
    checkInputs(keyObject, kind, value);
    return createHmac('sha256', keyObject).update(`${kind}:${value}`, 'utf8').digest();
  };
}

const UPPER_HEX = /[A-F]/;

/**
 * Parses a lowercase hex keyed hash (as carried in Evidence and lists); null when malformed.
 * Runs once per credential row of a 10 M-row snapshot, so it lets Buffer's hex decoder find bad
 * characters (it stops at the first one, leaving fewer than 32 bytes) instead of an anchored
 * /^[0-9a-f]{64}$/, which cost about twice as much per row; upper case is refused separately.
 */
export function parseHashHex(hex: string): Buffer | null {
  if (typeof hex !== 'string' || hex.length !== 2 * KEYED_HASH_BYTES) return null;
  const bytes = Buffer.from(hex, 'hex');
  return bytes.length === KEYED_HASH_BYTES && !UPPER_HEX.test(hex) ? bytes : null;
}
