/**
 * Hand-written field checks for list rows. Lists reach 10 million rows and the goal is 200,000
 * rows/s; a schema library costs 1.5-2 µs per row here, which alone would eat most of that budget
 * (measured with zod 4 on the credential row). Messages name the path and the rule, never the
 * value: a list row may hold a document number.
 */
export const MAX_ISSUES = 10;
/** Latest accepted epoch-ms time (year 2255); catches seconds-vs-ms and garbage. */
const MAX_TIME_MS = 9e12;

export class Issues {
  readonly items: string[] = [];
  count = 0;

  add(path: string, message: string): void {
    this.count += 1;
    if (this.items.length < MAX_ISSUES) this.items.push(`${path}: ${message}`);
  }

  get empty(): boolean {
    return this.count === 0;
  }

  summary(): string {
    const more = this.count > this.items.length ? ` (and ${this.count - this.items.length} more)` : '';
    return `${this.items.join('; ')}${more}`;
  }
}

export type Fields = Record<string, unknown>;

export function asFields(value: unknown, path: string, issues: Issues): Fields | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.add(path, 'must be an object');
    return null;
  }
  return value as Fields;
}

/** Rejects keys outside `allowed`: a misspelt optional field must not be silently ignored. */
export function onlyKeys(o: Fields, allowed: ReadonlySet<string>, path: string, issues: Issues): void {
  for (const key in o) {
    if (!allowed.has(key)) issues.add(`${path}.${key}`, 'unknown field');
  }
}

export function reqString(o: Fields, key: string, path: string, issues: Issues, max = 128): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) {
    issues.add(`${path}.${key}`, 'required non-empty string');
    return '';
  }
  if (v.length > max) issues.add(`${path}.${key}`, `longer than ${max} characters`);
  return v;
}

export function optString(o: Fields, key: string, path: string, issues: Issues, max = 128): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return reqString(o, key, path, issues, max);
}

export function optTime(o: Fields, key: string, path: string, issues: Issues): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_TIME_MS) {
    issues.add(`${path}.${key}`, 'must be epoch milliseconds (a non-negative integer) or null');
    return null;
  }
  return v;
}

export function reqEnum<T extends string>(o: Fields, key: string, values: readonly T[], path: string, issues: Issues): T {
  const v = o[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    issues.add(`${path}.${key}`, `must be one of ${values.join(', ')}`);
    return values[0]!;
  }
  return v as T;
}

export function optEnum<T extends string>(o: Fields, key: string, values: readonly T[], path: string, issues: Issues): T | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return reqEnum(o, key, values, path, issues);
}

export function optBool(o: Fields, key: string, path: string, issues: Issues): boolean | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') {
    issues.add(`${path}.${key}`, 'must be true or false');
    return null;
  }
  return v;
}

export function reqUnit(o: Fields, key: string, path: string, issues: Issues): number {
  const v = o[key];
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    issues.add(`${path}.${key}`, 'must be a number from 0 to 1');
    return 0;
  }
  return v;
}

/** Checks validFrom <= validUntil when both are set. */
export function windowOrder(from: number | null, until: number | null, path: string, issues: Issues): void {
  if (from !== null && until !== null && from > until) issues.add(`${path}.validFrom`, 'is after validUntil');
}
