import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/logger.js';

/**
 * The per-site HMAC key that turns document numbers, tokens and plates into keyed hashes.
 * In production it comes from the secrets file (the central system hashes its lists with the
 * same key). A lane without one (the demo, a bench PC) gets a random key kept in its data
 * directory, with a warning: its cache works locally, but lists from a central system will
 * not match until the real key is configured.
 */
export function resolveSiteKey(configured: string | undefined, dataDir: string, log: Logger): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  const file = join(dataDir, 'local-site-key');
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length >= 32) {
      log.warn({ file }, 'no siteHmacKey in the secrets file; using the local key of this lane (lists from the central system will not match)');
      return key;
    }
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(48);
  writeFileSync(file, key, { mode: 0o600 });
  chmodSync(file, 0o600);
  log.warn({ file }, 'no siteHmacKey in the secrets file; generated a local key for this lane (lists from the central system will not match)');
  return key;
}
