import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small JSON Schema (2020-12) validator for the keywords our generated wire schemas use. It is
 * independent of zod on purpose: the tests check messages against the published JSON documents
 * (docs/schemas/mqtt/*.json), not against the code they were generated from. An unknown keyword
 * throws, so a schema using something this checker ignores can never pass silently.
 */
type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(['$id', '$schema', 'title', 'description', 'examples', 'default', 'format']);
const HANDLED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'enum',
  'const',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'items',
  'minItems',
  'maxItems',
  'anyOf',
  'oneOf',
  'allOf',
]);

export const SCHEMA_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'docs', 'schemas', 'mqtt');

export function loadWireSchema(name: string): Schema {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, `${name}.json`), 'utf8')) as Schema;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: string, v: unknown): boolean {
  const actual = typeOf(v);
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Returns problems as "path: message"; empty when valid. */
export function checkJsonSchema(schema: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key) && !HANDLED.has(key)) throw new Error(`json-schema-check: unsupported keyword ${key} at ${path}`);
  }
  const s = schema;
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(t, value))) return [`${path}: expected ${types.join('|')}, got ${typeOf(value)}`];
  }
  if (s.const !== undefined && !deepEqual(s.const, value)) errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, value))) errors.push(`${path}: not one of ${JSON.stringify(s.enum)}`);
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${path}: does not match ${s.pattern}`);
    const len = [...value].length;
    if (typeof s.minLength === 'number' && len < s.minLength) errors.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && len > s.maxLength) errors.push(`${path}: longer than ${s.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${path}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${path}: above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) errors.push(`${path}: not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) errors.push(`${path}: not below ${s.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) errors.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errors.push(`${path}: more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((item, i) => errors.push(...checkJsonSchema(s.items as Schema, item, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const req of (s.required ?? []) as string[]) if (!(req in obj)) errors.push(`${path}.${req}: required`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.propertyNames !== undefined) errors.push(...checkJsonSchema(s.propertyNames as Schema, k, `${path}{${k}}`));
      if (props[k] !== undefined) errors.push(...checkJsonSchema(props[k], v, `${path}.${k}`));
      else if (s.additionalProperties === false) errors.push(`${path}.${k}: not allowed`);
      else if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) {
        errors.push(...checkJsonSchema(s.additionalProperties as Schema, v, `${path}.${k}`));
      }
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) errors.push(...checkJsonSchema(sub, value, path));
  if (Array.isArray(s.anyOf)) {
    const results = (s.anyOf as Schema[]).map((sub) => checkJsonSchema(sub, value, path));
    if (!results.some((r) => r.length === 0)) errors.push(`${path}: matches none of anyOf (${results.map((r) => r[0]).join(' | ')})`);
  }
  if (Array.isArray(s.oneOf)) {
    const results = (s.oneOf as Schema[]).map((sub) => checkJsonSchema(sub, value, path));
    const n = results.filter((r) => r.length === 0).length;
    if (n !== 1) errors.push(`${path}: matches ${n} of oneOf, expected exactly 1`);
  }
  return errors;
}

/** Throws with every problem when `value` does not satisfy docs/schemas/mqtt/<name>.json. */
export function expectWireValid(name: string, value: unknown): void {
  const errors = checkJsonSchema(loadWireSchema(name), value);
  if (errors.length > 0) throw new Error(`${name}.json: ${errors.slice(0, 8).join('; ')}`);
}

/** The schema file for a topic (below the prefix) the lane publishes or receives. */
export function schemaNameForTopic(topic: string): string {
  const levels = topic.split('/');
  const rest = levels.slice(2); // drop prefix levels bg/v1
  if (rest[2] === 'state') return 'state';
  if (rest[2] === 'event') return 'event';
  if (rest[2] === 'cmd-result') return 'cmd-result';
  if (rest[2] === 'evidence') return 'evidence';
  if (rest[2] === 'telemetry') return 'telemetry';
  if (rest[2] === 'lists' && rest[3] === 'resync') return 'lists-resync';
  if (rest[2] === 'cmd') return `cmd-${rest[3]}`;
  if (rest[1] === 'lists') return rest.length === 3 ? 'list-delta' : 'list-snapshot';
  if (rest[2] === 'lists' && rest[4] === 'snapshot') return 'list-snapshot';
  throw new Error(`no wire schema for topic ${topic}`);
}
