import { isListName, LIST_NAMES, type ListName } from './list-codes.js';
import type { ListContext, ListDefinition, SqlValue } from './list-definition.js';
import { LIST_DEFINITIONS } from './list-definitions.js';
import { asFields, Issues } from './row-fields.js';

/**
 * The two list messages the central system sends (docs/mqtt.md, lists topic):
 *
 *   delta    {list, fromVersion, toVersion, upserts: Row[], deletes: Key[]}
 *   snapshot {list, snapshotId, version, chunk, chunks, rows: Row[]}   (one message per chunk)
 *
 * Parsing happens before any transaction, so a malformed message never touches the database.
 */
export interface ParsedDelta {
  def: ListDefinition;
  fromVersion: number;
  toVersion: number;
  upserts: SqlValue[][];
  deletes: SqlValue[];
}

export interface ParsedSnapshotChunk {
  def: ListDefinition;
  snapshotId: string;
  version: number;
  chunk: number;
  chunks: number;
  rows: SqlValue[][];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; list: ListName | null; reason: string };

const MAX_VERSION = Number.MAX_SAFE_INTEGER;
export const MAX_SNAPSHOT_CHUNKS = 1_000_000;
const SNAPSHOT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

function version(o: Record<string, unknown>, key: string, issues: Issues, min = 0): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_VERSION) {
    issues.add(key, `must be an integer >= ${min}`);
    return 0;
  }
  return v;
}

function rowsArray(o: Record<string, unknown>, key: string, issues: Issues): unknown[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.add(key, 'must be an array');
    return [];
  }
  return v;
}

function readList(o: Record<string, unknown>, issues: Issues): ListDefinition | null {
  if (!isListName(o.list)) {
    issues.add('list', `must be one of ${LIST_NAMES.join(', ')}`);
    return null;
  }
  return LIST_DEFINITIONS[o.list];
}

function parseRows(def: ListDefinition, rows: unknown[], key: string, issues: Issues, ctx: ListContext): SqlValue[][] {
  const out: SqlValue[][] = new Array<SqlValue[]>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    out[i] = def.parseUpsert(rows[i], `${key}[${i}]`, issues, ctx);
    if (issues.count >= 100) break; // a broken list: stop early, the reason is already clear
  }
  return out;
}

function failed<T>(list: ListDefinition | null, issues: Issues): Parsed<T> {
  return { ok: false, list: list?.list ?? null, reason: issues.summary() };
}

export function parseDelta(message: unknown, ctx: ListContext): Parsed<ParsedDelta> {
  const issues = new Issues();
  const o = asFields(message, 'delta', issues);
  if (o === null) return failed(null, issues);
  const def = readList(o, issues);
  const fromVersion = version(o, 'fromVersion', issues);
  const toVersion = version(o, 'toVersion', issues, 1);
  if (issues.empty && toVersion <= fromVersion) issues.add('toVersion', 'must be greater than fromVersion');
  const upsertRows = rowsArray(o, 'upserts', issues);
  const deleteKeys = rowsArray(o, 'deletes', issues);
  if (def === null || !issues.empty) return failed(def, issues);
  const upserts = parseRows(def, upsertRows, 'upserts', issues, ctx);
  const deletes = deleteKeys.map((k, i) => def.parseDelete(k, `deletes[${i}]`, issues, ctx));
  if (!issues.empty) return failed(def, issues);
  return { ok: true, value: { def, fromVersion, toVersion, upserts, deletes } };
}

/** Only the list and versions: lets a replayed delta be recognised without parsing its rows. */
export function peekDeltaHeader(message: unknown): { list: ListName; fromVersion: unknown; toVersion: unknown } | null {
  if (typeof message !== 'object' || message === null) return null;
  const o = message as Record<string, unknown>;
  return isListName(o.list) ? { list: o.list, fromVersion: o.fromVersion, toVersion: o.toVersion } : null;
}

export function parseSnapshotChunk(message: unknown, ctx: ListContext): Parsed<ParsedSnapshotChunk> {
  const issues = new Issues();
  const o = asFields(message, 'snapshot', issues);
  if (o === null) return failed(null, issues);
  const def = readList(o, issues);
  const snapshotId = o.snapshotId;
  if (typeof snapshotId !== 'string' || !SNAPSHOT_ID.test(snapshotId)) issues.add('snapshotId', 'must be 1-64 characters of A-Z a-z 0-9 . _ : -');
  const snapshotVersion = version(o, 'version', issues);
  const chunks = version(o, 'chunks', issues, 1);
  const chunk = version(o, 'chunk', issues);
  if (issues.empty && chunks > MAX_SNAPSHOT_CHUNKS) issues.add('chunks', `must be at most ${MAX_SNAPSHOT_CHUNKS}`);
  if (issues.empty && chunk >= chunks) issues.add('chunk', 'must be below chunks (chunks are numbered from 0)');
  const rows = rowsArray(o, 'rows', issues);
  if (def === null || !issues.empty) return failed(def, issues);
  const parsed = parseRows(def, rows, 'rows', issues, ctx);
  if (!issues.empty) return failed(def, issues);
  return { ok: true, value: { def, snapshotId: snapshotId as string, version: snapshotVersion, chunk, chunks, rows: parsed } };
}
