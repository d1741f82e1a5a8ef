import type { CredentialKind, CredentialStatus, Direction } from '../../decision/types.js';
import { CREDENTIAL_KINDS, CREDENTIAL_STATUSES } from '../../decision/types.js';

/**
 * Integer codes used in the cache tables (see migrations/001-cache-tables.ts). The decision
 * engine's string unions are the public names; the codes exist only to keep 10 million rows small.
 */
export const LIST_NAMES = ['subjects', 'credentials', 'face-templates', 'vehicles', 'cargo', 'watchlist'] as const;
export type ListName = (typeof LIST_NAMES)[number];

export function isListName(value: unknown): value is ListName {
  return typeof value === 'string' && (LIST_NAMES as readonly string[]).includes(value);
}

/** kind code = index + 1. */
export function credentialKindCode(kind: CredentialKind): number {
  return CREDENTIAL_KINDS.indexOf(kind) + 1;
}

export function credentialKindName(code: number): CredentialKind | null {
  return CREDENTIAL_KINDS[code - 1] ?? null;
}

/** status code = index: 0 active, 1 revoked, 2 used. */
export function credentialStatusCode(status: CredentialStatus): number {
  return CREDENTIAL_STATUSES.indexOf(status);
}

export function credentialStatusName(code: number): CredentialStatus | null {
  return CREDENTIAL_STATUSES[code] ?? null;
}

export const STATUS_USED = credentialStatusCode('used');
export const STATUS_ACTIVE = credentialStatusCode('active');
export const STATUS_REVOKED = credentialStatusCode('revoked');

const DIRECTION_BITS: Readonly<Record<Direction, number>> = { entry: 1, exit: 2 };

export function directionsMask(directions: readonly Direction[]): number {
  let mask = 0;
  for (const d of directions) mask |= DIRECTION_BITS[d];
  return mask;
}

export function directionsFromMask(mask: number): Direction[] {
  const out: Direction[] = [];
  if (mask & 1) out.push('entry');
  if (mask & 2) out.push('exit');
  return out;
}

/**
 * The identifier kind each credential kind is hashed under when a list row carries the value
 * instead of a precomputed hash. Must match what src/credentials hands to the keyed hash at the
 * lane, or lookups miss; see docs/store.md.
 */
export const HASH_KIND_FOR_CREDENTIAL: Readonly<Record<CredentialKind, string>> = {
  'qr-token': 'qr-token',
  'signed-qr': 'signed-qr',
  'travel-document': 'document-number',
  'border-pass': 'border-pass',
};

/** Watchlist document/token entries hash like the matching credential, so one hash finds both. */
export const HASH_KIND_FOR_WATCHLIST: Readonly<Record<'document' | 'token', string>> = {
  document: 'document-number',
  token: 'qr-token',
};
