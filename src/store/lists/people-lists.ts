import { CREDENTIAL_KINDS, CREDENTIAL_STATUSES, type CredentialKind, type Direction } from '../../decision/types.js';
import { normaliseDocumentNumber } from '../../credentials/identifiers.js';
import { KeyedHashInputError, parseHashHex } from '../keyed-hash.js';
import {
  credentialKindCode,
  credentialStatusCode,
  directionsMask,
  HASH_KIND_FOR_CREDENTIAL,
  STATUS_ACTIVE,
  STATUS_REVOKED,
  STATUS_USED,
} from './list-codes.js';
import type { ListContext, ListDefinition, SqlValue } from './list-definition.js';
import {
  asFields,
  type Fields,
  Issues,
  onlyKeys,
  optBool,
  optEnum,
  optString,
  optTime,
  reqEnum,
  reqString,
  windowOrder,
} from './row-fields.js';

const DIRECTIONS: readonly Direction[] = ['entry', 'exit'];
const NATIONALITY = /^[A-Z<]{1,3}$/;

export function parseDirections(o: Fields, path: string, issues: Issues): number {
  const v = o.allowedDirections;
  if (v === undefined || v === null) return 3;
  if (!Array.isArray(v) || v.some((d) => !DIRECTIONS.includes(d as Direction))) {
    issues.add(`${path}.allowedDirections`, 'must be a list of "entry" and "exit"');
    return 0;
  }
  return directionsMask(v as Direction[]);
}

/** Normalises a credential value the way src/credentials does before hashing. */
export function normaliseIdentifier(hashKind: string, value: string): string {
  return hashKind === 'document-number' ? normaliseDocumentNumber(value) : value;
}

/**
 * Reads `hash` (hex, computed centrally with the site key: the value never travels) or `value`
 * (normalised and hashed here). Exactly one must be present.
 */
export function parseHashOrValue(o: Fields, hashKind: string, path: string, issues: Issues, ctx: ListContext): Buffer {
  const hasHash = o.hash !== undefined && o.hash !== null;
  const hasValue = o.value !== undefined && o.value !== null;
  if (hasHash === hasValue) {
    issues.add(path, 'needs exactly one of "hash" (64 lowercase hex digits) or "value"');
    return Buffer.alloc(32);
  }
  if (hasHash) {
    const parsed = typeof o.hash === 'string' ? parseHashHex(o.hash) : null;
    if (parsed === null) issues.add(`${path}.hash`, 'must be 64 lowercase hex digits');
    return parsed ?? Buffer.alloc(32);
  }
  const value = reqString(o, 'value', path, issues, 256);
  const normalised = normaliseIdentifier(hashKind, value);
  if (normalised.length === 0) {
    issues.add(`${path}.value`, 'is empty after normalisation');
    return Buffer.alloc(32);
  }
  try {
    return ctx.hash(hashKind, normalised);
  } catch (err) {
    issues.add(`${path}.value`, err instanceof KeyedHashInputError ? err.message : 'cannot be hashed');
    return Buffer.alloc(32);
  }
}

const SUBJECT_KEYS = new Set(['subjectId', 'category', 'nationality', 'validFrom', 'validUntil', 'allowedDirections']);

export const subjectsList: ListDefinition = {
  list: 'subjects',
  table: 'subjects',
  key: 'subject_id',
  columns: ['subject_id', 'category', 'nationality', 'valid_from', 'valid_until', 'allowed_directions'],
  parseUpsert(value, path, issues): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, SUBJECT_KEYS, path, issues);
    const nationality = optString(o, 'nationality', path, issues, 3);
    if (nationality !== null && !NATIONALITY.test(nationality)) issues.add(`${path}.nationality`, 'must be 1-3 letters A-Z or <');
    const from = optTime(o, 'validFrom', path, issues);
    const until = optTime(o, 'validUntil', path, issues);
    windowOrder(from, until, path, issues);
    return [
      reqString(o, 'subjectId', path, issues),
      reqString(o, 'category', path, issues, 64),
      nationality,
      from,
      until,
      parseDirections(o, path, issues),
    ];
  },
  parseDelete(value, path, issues): SqlValue {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) issues.add(path, 'must be a subjectId string');
    return value as string;
  },
};

const CREDENTIAL_KEYS = new Set(['kind', 'hash', 'value', 'subjectId', 'validFrom', 'validUntil', 'status', 'singleUse']);
const CREDENTIAL_DELETE_KEYS = new Set(['kind', 'hash', 'value']);

function credentialHash(o: Fields, path: string, issues: Issues, ctx: ListContext): { kind: CredentialKind; hash: Buffer } {
  const kind = reqEnum(o, 'kind', CREDENTIAL_KINDS, path, issues);
  return { kind, hash: parseHashOrValue(o, HASH_KIND_FOR_CREDENTIAL[kind], path, issues, ctx) };
}

export const credentialsList: ListDefinition = {
  list: 'credentials',
  table: 'credentials',
  key: 'hash',
  columns: ['hash', 'kind', 'subject_id', 'valid_from', 'valid_until', 'status', 'single_use'],
  parseUpsert(value, path, issues, ctx): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, CREDENTIAL_KEYS, path, issues);
    const { kind, hash } = credentialHash(o, path, issues, ctx);
    const from = optTime(o, 'validFrom', path, issues);
    const until = optTime(o, 'validUntil', path, issues);
    windowOrder(from, until, path, issues);
    const status = optEnum(o, 'status', CREDENTIAL_STATUSES, path, issues) ?? 'active';
    return [
      hash,
      credentialKindCode(kind),
      reqString(o, 'subjectId', path, issues),
      from,
      until,
      credentialStatusCode(status),
      optBool(o, 'singleUse', path, issues) === true ? 1 : 0,
    ];
  },
  parseDelete(value, path, issues, ctx): SqlValue {
    const o = asFields(value, path, issues);
    if (o === null) return Buffer.alloc(32);
    onlyKeys(o, CREDENTIAL_DELETE_KEYS, path, issues);
    return credentialHash(o, path, issues, ctx).hash;
  },
  // Deltas land in credentials_pending and are merged later (migration 006, ADR 0007).
  overlay: { table: 'credentials_pending', resolve: keepConsumedToken },
  // The swap replaces both tables; a consumed token visible through the overlay stays consumed.
  beforeSwap: `CREATE TEMP TABLE IF NOT EXISTS used_tokens (hash BLOB PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM temp.used_tokens;
    INSERT OR IGNORE INTO temp.used_tokens
      SELECT hash FROM credentials_pending WHERE removed = 0 AND status = ${STATUS_USED} AND single_use = 1
      UNION ALL
      SELECT c.hash FROM credentials c WHERE c.status = ${STATUS_USED} AND c.single_use = 1
        AND NOT EXISTS (SELECT 1 FROM credentials_pending p WHERE p.hash = c.hash);`,
  afterSwap: `UPDATE credentials SET status = ${STATUS_USED}
    WHERE status = ${STATUS_ACTIVE} AND single_use = 1 AND hash IN (SELECT hash FROM temp.used_tokens);
    DROP TABLE temp.used_tokens;`,
};

/** Column positions in credentialsList.columns. */
const CREDENTIAL_STATUS = 5;
const CREDENTIAL_SINGLE_USE = 6;

/**
 * A single-use token consumed here stays consumed even when the central system has not heard of
 * it yet and still sends it as active: it learns of the use from the passage event. Revoking it
 * is still possible.
 */
export function keepConsumedToken(incoming: SqlValue[], current: readonly SqlValue[] | null): SqlValue[] {
  const consumed = current !== null && current[CREDENTIAL_STATUS] === STATUS_USED && current[CREDENTIAL_SINGLE_USE] === 1;
  if (!consumed || incoming[CREDENTIAL_SINGLE_USE] !== 1 || incoming[CREDENTIAL_STATUS] === STATUS_REVOKED) return incoming;
  const row = [...incoming];
  row[CREDENTIAL_STATUS] = STATUS_USED;
  return row;
}
