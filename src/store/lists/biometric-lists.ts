import { WATCHLIST_ACTIONS } from '../../decision/types.js';
import { decodeWireVector, normaliseVector, vectorToBlob } from '../face/vector.js';
import { HASH_KIND_FOR_WATCHLIST } from './list-codes.js';
import type { ListDefinition, SqlValue } from './list-definition.js';
import { parseHashOrValue } from './people-lists.js';
import { asFields, type Fields, Issues, onlyKeys, optTime, reqEnum, reqString, reqUnit, windowOrder } from './row-fields.js';
import { compactPlate, compactTagHex } from './vehicle-lists.js';

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}$/;

function parseTemplate(o: Fields, path: string, issues: Issues): { modelId: string; blob: Buffer; dims: number } {
  const modelId = reqString(o, 'modelId', path, issues, 64);
  if (modelId !== '' && !MODEL_ID.test(modelId)) issues.add(`${path}.modelId`, 'must be 1-64 characters of letters, digits and ._:@/-');
  const raw = decodeWireVector(o.vector);
  const vector = raw === null ? null : normaliseVector(raw);
  if (vector === null) {
    issues.add(`${path}.vector`, 'must be 1-4096 finite numbers (array or base64 Float32 LE), not all zero');
    return { modelId, blob: Buffer.alloc(4), dims: 1 };
  }
  return { modelId, blob: vectorToBlob(vector), dims: vector.length };
}

const TEMPLATE_KEYS = new Set(['templateId', 'subjectId', 'modelId', 'vector', 'quality', 'enrolledAt']);

export const faceTemplatesList: ListDefinition = {
  list: 'face-templates',
  table: 'face_templates',
  key: 'template_id',
  columns: ['template_id', 'subject_id', 'model_id', 'dims', 'quality', 'vector', 'enrolled_at'],
  parseUpsert(value, path, issues): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, TEMPLATE_KEYS, path, issues);
    const t = parseTemplate(o, path, issues);
    return [
      reqString(o, 'templateId', path, issues),
      reqString(o, 'subjectId', path, issues),
      t.modelId,
      t.dims,
      reqUnit(o, 'quality', path, issues),
      t.blob,
      optTime(o, 'enrolledAt', path, issues),
    ];
  },
  parseDelete(value, path, issues): SqlValue {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) issues.add(path, 'must be a templateId string');
    return value as string;
  },
};

export const WATCHLIST_ENTRY_KINDS = ['document', 'token', 'plate', 'epc', 'face', 'person', 'vehicle'] as const;
export type WatchlistEntryKind = (typeof WATCHLIST_ENTRY_KINDS)[number];

const WATCHLIST_KEYS = new Set([
  'entryId',
  'listId',
  'kind',
  'action',
  'hash',
  'value',
  'key',
  'modelId',
  'vector',
  'validFrom',
  'validUntil',
]);

/** Text key of a plate/epc/person/vehicle entry, normalised like the lookups normalise. */
function textKey(kind: WatchlistEntryKind, o: Fields, path: string, issues: Issues): string | null {
  const raw = reqString(o, 'key', path, issues, 160);
  if (kind === 'plate') {
    const plate = compactPlate(raw);
    if (plate.length === 0) issues.add(`${path}.key`, 'has no plate characters');
    return plate;
  }
  if (kind === 'epc') {
    const hex = compactTagHex(raw);
    if (hex === null) issues.add(`${path}.key`, 'must be 4-128 hex digits');
    return hex;
  }
  return raw;
}

export const watchlistList: ListDefinition = {
  list: 'watchlist',
  table: 'watchlist_entries',
  key: 'entry_id',
  columns: ['entry_id', 'list_id', 'kind', 'key_hash', 'key_text', 'model_id', 'dims', 'vector', 'action', 'valid_from', 'valid_until'],
  parseUpsert(value, path, issues, ctx): SqlValue[] {
    const o = asFields(value, path, issues);
    if (o === null) return [];
    onlyKeys(o, WATCHLIST_KEYS, path, issues);
    const kind = reqEnum(o, 'kind', WATCHLIST_ENTRY_KINDS, path, issues);
    let keyHash: Buffer | null = null;
    let keyText: string | null = null;
    let template: { modelId: string; blob: Buffer; dims: number } | null = null;
    if (kind === 'document' || kind === 'token') keyHash = parseHashOrValue(o, HASH_KIND_FOR_WATCHLIST[kind], path, issues, ctx);
    else if (kind === 'face') template = parseTemplate(o, path, issues);
    else keyText = textKey(kind, o, path, issues);
    const from = optTime(o, 'validFrom', path, issues);
    const until = optTime(o, 'validUntil', path, issues);
    windowOrder(from, until, path, issues);
    return [
      reqString(o, 'entryId', path, issues),
      reqString(o, 'listId', path, issues),
      kind,
      keyHash,
      keyText,
      template?.modelId ?? null,
      template?.dims ?? null,
      template?.blob ?? null,
      reqEnum(o, 'action', WATCHLIST_ACTIONS, path, issues),
      from,
      until,
    ];
  },
  parseDelete(value, path, issues): SqlValue {
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) issues.add(path, 'must be an entryId string');
    return value as string;
  },
};
