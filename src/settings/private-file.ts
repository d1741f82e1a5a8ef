import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

/**
 * The permission rule of the secrets file (secrets.ts), for every file that holds a secret: the
 * "other" permission bits must be clear. Group access is allowed on purpose (0640 with the lane's
 * group, or a key shared through a group such as ssl-cert), as for the secrets file.
 */
export const OTHER_BITS = 0o007;

/** The refusal text for a file other users can access, or null when its mode is fine. */
export function otherUsersAccessProblem(label: string, path: string, mode: number): string | null {
  const bits = mode & 0o777;
  if ((bits & OTHER_BITS) === 0) return null;
  return `${label} ${path} is accessible by other users (mode 0${bits.toString(8)}); fix it with: chmod o-rwx ${path} (0600 or 0640 expected)`;
}

export type PrivateFileRead = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/**
 * Reads a file holding a secret (a private key), refusing it when other users can access it.
 * The mode is taken from the open descriptor, so the file checked is the file read (no swap in
 * between); a symlink is judged by its target. Reasons name the file, never its content.
 */
export function readPrivateFile(path: string, label: string): PrivateFileRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { ok: false, reason: `cannot read ${label} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return { ok: false, reason: `${label} ${path} is not a regular file` };
    const problem = otherUsersAccessProblem(label, path, stats.mode);
    if (problem !== null) return { ok: false, reason: problem };
    return { ok: true, bytes: readFileSync(fd) };
  } catch (err) {
    return { ok: false, reason: `cannot read ${label} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}
