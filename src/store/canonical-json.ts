/**
 * Canonical JSON for the journal hash chain: the same content must give the same bytes on every
 * machine and every Node version, forever, or `journal verify` reports tampering that never
 * happened. The rules (compatible with RFC 8785 for the values we allow):
 *
 * - object keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace;
 * - strings escaped as JSON.stringify does (deterministic);
 * - numbers must be finite; -0 is written as 0; JavaScript's shortest round-trip form;
 * - `undefined` object members are left out (as JSON.stringify does); `undefined`, functions,
 *   symbols, bigints and non-plain objects (Date, Buffer, Map ...) are refused with the path,
 *   because silently converting them would make the hash depend on how a caller built the object.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function write(value: unknown, path: string, out: string[], depth: number): void {
  if (depth > 64) throw new CanonicalJsonError(`${path}: nested deeper than 64 levels`);
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path}: number is not finite`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${path}: ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      if (item === undefined) throw new CanonicalJsonError(`${path}[${i}]: undefined in an array`);
      write(item, `${path}[${i}]`, out, depth + 1);
    });
    out.push(']');
    return;
  }
  if (!isPlainObject(value)) {
    throw new CanonicalJsonError(`${path}: ${value.constructor?.name ?? 'object'} is not a plain object`);
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  out.push('{');
  keys.forEach((key, i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write(record[key], `${path}.${key}`, out, depth + 1);
  });
  out.push('}');
}

/** Canonical JSON text of a value; throws CanonicalJsonError naming the offending path. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out, 0);
  return out.join('');
}
