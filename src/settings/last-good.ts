import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/**
 * Where the copy of the last config that started cleanly is kept: beside the config itself, or in
 * `dir` when given (under systemd's ProtectSystem=strict /etc is read-only, so the daemon falls
 * back to its state directory).
 */
export function lastGoodPath(configPath: string, dir?: string): string {
  return dir ? join(dir, `${basename(configPath)}.last-good`) : `${configPath}.last-good`;
}

/**
 * Keeps the text of a config that started cleanly. Atomic (write a temp file in the same directory, fsync,
 * rename, fsync the directory) so a power cut leaves either the old copy or the new one, never half a file.
 * The config text holds no secrets: they live in the separate secrets file, and unknown keys are rejected.
 */
export function writeLastGood(configPath: string, rawText: string, dir?: string): string {
  const target = lastGoodPath(configPath, dir);
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, 'wx', 0o640);
  try {
    try {
      // The mode passed to open is reduced by the umask; set it explicitly.
      fchmodSync(fd, 0o640);
      writeSync(fd, rawText);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may already be gone; the original error is the one worth reporting.
    }
    throw error;
  }
  const dirFd = openSync(dirname(target), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return target;
}
