import type { StoreProblem } from '../decision/types.js';

/**
 * Which errors mean "the store can no longer keep its promise" (durable journal, trustworthy
 * cache) as opposed to a bad call (a constraint violation, a malformed row). The first kind puts
 * the store in the 'failed' state and the lane in fail-secure mode (deny and refer, alarm); the
 * second is the caller's problem and is thrown back unchanged.
 */
export interface StoreFailure {
  problem: StoreProblem;
  /** SQLite extended result code (SQLITE_FULL, SQLITE_IOERR_FSYNC ...) or Node errno code (ENOSPC). */
  code: string;
  /** What the store was doing, e.g. 'append passage', 'apply delta credentials'. */
  operation: string;
  message: string;
  /** Epoch ms. */
  at: number;
}

const SQLITE_PROBLEMS: readonly [prefix: string, problem: StoreProblem][] = [
  ['SQLITE_FULL', 'disk-full'],
  ['SQLITE_READONLY', 'read-only'],
  ['SQLITE_CORRUPT', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt'],
  ['SQLITE_IOERR', 'unavailable'],
  ['SQLITE_CANTOPEN', 'unavailable'],
  ['SQLITE_PERM', 'read-only'],
];

const ERRNO_PROBLEMS: Readonly<Record<string, StoreProblem>> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EROFS: 'read-only',
  EACCES: 'read-only',
  EPERM: 'read-only',
  EIO: 'unavailable',
};

function errorCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** The store problem an error stands for, or null when it is not a storage failure. */
export function classifyStorageError(err: unknown): { problem: StoreProblem; code: string } | null {
  const code = errorCode(err);
  if (code === null) return null;
  for (const [prefix, problem] of SQLITE_PROBLEMS) {
    if (code === prefix || code.startsWith(`${prefix}_`)) return { problem, code };
  }
  const problem = ERRNO_PROBLEMS[code];
  return problem === undefined ? null : { problem, code };
}

/**
 * Thrown by every store write while the store is failed (and by the write that failed it). The
 * lane treats it as "not journaled": the barrier stays shut.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(readonly failure: StoreFailure) {
    super(`store unavailable (${failure.problem}, ${failure.code}) during ${failure.operation}: ${failure.message}`);
  }
}

/** A call the store refuses because its input is malformed; the message says which field and why. */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
}
