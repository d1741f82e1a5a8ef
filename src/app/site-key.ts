import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPrivateFile } from '../settings/private-file.js';
import type { Logger } from '../util/logger.js';

/**
 * The local site key file is readable by other users: the lane must not start with it (anyone on
 * the machine could recompute the keyed hashes of document numbers). Same rule and wording as the
 * secrets file; code EX_CONFIG like the other "fix the installation" errors (SignerCertificateError).
 */
export class SiteKeyFileError extends Error {
  readonly code = 'EX_CONFIG';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'SiteKeyFileError';
  }
}

/**
 * The per-site HMAC key that turns document numbers, tokens and plates into keyed hashes.
 * In production it comes from the secrets file (the central system hashes its lists with the
 * same key). A lane without one (the demo, a bench PC) gets a random key kept in its data
 * directory, with a warning: its cache works locally, but lists from a central system will
 * not match until the real key is configured. That file is created 0600 and refused (thrown
 * SiteKeyFileError, nothing overwritten) when other users can access it.
 */
export function resolveSiteKey(configured: string | undefined, dataDir: string, log: Logger): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, 'local-site-key');
  if (existsSync(file)) {
    const read = readPrivateFile(file, 'local site key');
    if (!read.ok) throw new SiteKeyFileError(file, read.reason);
    if (read.bytes.length >= 32) {
      log.warn({ file }, 'no siteHmacKey in the secrets file; using the local key of this lane (lists from the central system will not match)');
      return read.bytes;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48);
  writeFileSync(file, key, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file (a short key file is rewritten).
  chmodSync(file, 0o600);
  log.warn({ file }, 'no siteHmacKey in the secrets file; generated a local key for this lane (lists from the central system will not match)');
  return key;
}
