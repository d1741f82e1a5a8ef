import { errorText, fail, type Result } from '../result.js';
import { IDENTIFIER_KIND, type IdentifierHasher } from '../identifiers.js';

/**
 * Opaque QR tokens: random strings issued by the central system (a booking or pre-registration
 * reference). The lane never learns what they mean; it looks them up by keyed hash in the
 * offline cache, and single-use tokens are consumed atomically by the store.
 *
 * Accepted form: 16-256 characters from the URL-safe and base64 alphabets plus `.`, `~`, `:`
 * (covers base64, base64url, base32, hex and UUIDs). Trailing CR/LF from keyboard-wedge
 * scanners is dropped; anything else is taken as is (tokens are case-sensitive).
 */
export const OPAQUE_TOKEN_MIN_CHARS = 16;
export const OPAQUE_TOKEN_MAX_CHARS = 256;
const TOKEN_CHARS = /^[A-Za-z0-9\-_.~:+/=]+$/u;

export type OpaqueTokenReason =
  | 'TOKEN_EMPTY'
  | 'TOKEN_TOO_SHORT'
  | 'TOKEN_TOO_LONG'
  | 'TOKEN_BAD_CHARACTERS'
  | 'TOKEN_UNKNOWN'
  | 'TOKEN_ALREADY_USED'
  | 'TOKEN_STORE_ERROR';

/** Implemented by the store: one atomic statement marks a single-use token used. */
export interface TokenRepository {
  /**
   * 'consumed' when the token exists and may be used now (a single-use token is marked used in
   * the same statement; a multi-use token is left as it is), 'already-used' when a single-use
   * token was consumed before, 'unknown' when no token has this hash.
   */
  consumeSingleUse(hash: Uint8Array): 'consumed' | 'already-used' | 'unknown';
}

export function parseOpaqueToken(text: string): Result<{ token: string }, OpaqueTokenReason> {
  if (text.length > OPAQUE_TOKEN_MAX_CHARS + 4) return fail('TOKEN_TOO_LONG', `${text.length} characters, limit ${OPAQUE_TOKEN_MAX_CHARS}`);
  const token = text.replace(/[\r\n]+$/u, '');
  if (token.length === 0) return fail('TOKEN_EMPTY', 'empty payload');
  if (token.length < OPAQUE_TOKEN_MIN_CHARS) return fail('TOKEN_TOO_SHORT', `${token.length} characters, minimum ${OPAQUE_TOKEN_MIN_CHARS}`);
  if (token.length > OPAQUE_TOKEN_MAX_CHARS) return fail('TOKEN_TOO_LONG', `${token.length} characters, limit ${OPAQUE_TOKEN_MAX_CHARS}`);
  if (!TOKEN_CHARS.test(token)) {
    let at = 0;
    while (at < token.length && TOKEN_CHARS.test(token[at]!)) at++;
    return fail('TOKEN_BAD_CHARACTERS', `character outside the token alphabet at position ${at}`);
  }
  return { ok: true, token };
}

/** The normalised value to hash (the parsed token itself: tokens are case-sensitive). */
export function normaliseOpaqueToken(text: string): string | undefined {
  const p = parseOpaqueToken(text);
  return p.ok ? p.token : undefined;
}

export interface RedeemDependencies {
  hash: IdentifierHasher;
  repository: TokenRepository;
}

/** Parse, hash, and consume. The token text itself never leaves this function. */
export function redeemOpaqueToken(text: string, deps: RedeemDependencies): Result<{ tokenHash: Uint8Array }, OpaqueTokenReason> {
  const parsed = parseOpaqueToken(text);
  if (!parsed.ok) return parsed;
  let tokenHash: Uint8Array;
  let outcome: ReturnType<TokenRepository['consumeSingleUse']>;
  try {
    tokenHash = deps.hash(IDENTIFIER_KIND.qrToken, parsed.token);
    outcome = deps.repository.consumeSingleUse(tokenHash);
  } catch (err) {
    return fail('TOKEN_STORE_ERROR', `token lookup failed: ${errorText(err)}`);
  }
  if (outcome === 'consumed') return { ok: true, tokenHash };
  if (outcome === 'already-used') return fail('TOKEN_ALREADY_USED', 'single-use token was consumed before');
  return fail('TOKEN_UNKNOWN', 'no token with this hash in the cache');
}
