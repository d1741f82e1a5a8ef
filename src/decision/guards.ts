/**
 * Runtime predicates. The engine's inputs are typed, but they arrive from parsers, SQLite rows and
 * config files, so every number and string is checked again here rather than trusted.
 */

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A score or probability: finite and within 0..1. */
export const isUnitScore = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && v <= 1;

export const isCount = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 0;

export const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;

export const isNonEmptyString = (v: unknown, maxLength = 256): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= maxLength;

/** Epoch milliseconds or null (open end of a validity window). */
export const isTimeOrNull = (v: unknown): v is number | null => v === null || isFiniteNumber(v);

const HEX = /^[0-9a-f]+$/;
/** Lowercase hex of even length: the form hashes and EPC/TID arrive in. */
export const isHex = (v: unknown, minLength: number, maxLength: number): v is string =>
  typeof v === 'string' && v.length >= minLength && v.length <= maxLength && v.length % 2 === 0 && HEX.test(v);

export const isOneOf = <T extends string>(values: readonly T[], v: unknown): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);

export const isArrayOf = <T>(v: unknown, item: (x: unknown) => x is T): v is T[] => Array.isArray(v) && v.every(item);

export const isString = (v: unknown): v is string => typeof v === 'string';

/** Reads an optional part: undefined and null both mean "absent". */
export const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

export type WindowState = 'not-yet' | 'expired' | 'ok';

/** [from, until): from inclusive, until exclusive; null leaves that side open. */
export function windowState(now: number, from: number | null, until: number | null): WindowState {
  if (from !== null && now < from) return 'not-yet';
  if (until !== null && now >= until) return 'expired';
  return 'ok';
}
