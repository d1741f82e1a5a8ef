import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { parseEd25519PrivateKey } from '../sync/signing.js';
import type { DemoPaths } from './demo-paths.js';

/**
 * The demo's own keys, made at first start and kept under <demo>/keys (0700 folder, 0600 files):
 * - the central system's Ed25519 key pair that signs list snapshots and commands (the lanes trust
 *   its public key through their secrets files);
 * - the site HMAC key the lanes hash identifiers with (tokens and document numbers are stored only as
 *   keyed hashes).
 * Nothing comes from ../shared: a fresh checkout makes its own.
 */
export interface DemoKeys {
  central: KeyObject;
  /** Base64 of the 32 raw public-key bytes, as the lanes' secrets files take it. */
  centralPublicKey: string;
  siteHmacKey: string;
  created: boolean;
}

export function ensureDemoKeys(paths: DemoPaths): DemoKeys {
  mkdirSync(paths.keysDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.keysDir, 0o700);
  let created = false;
  if (!existsSync(paths.centralKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writePrivate(paths.centralKey, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const x = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
    writeFileSync(paths.centralPublicKey, `${Buffer.from(x, 'base64url').toString('base64')}\n`, { mode: 0o644 });
    created = true;
  }
  if (!existsSync(paths.siteKey)) {
    writePrivate(paths.siteKey, `${randomBytes(48).toString('base64')}\n`);
    created = true;
  }
  const central = parseEd25519PrivateKey(readFileSync(paths.centralKey, 'utf8'));
  const x = (central.export({ format: 'jwk' }) as { x?: string }).x;
  if (x === undefined) throw new Error(`${paths.centralKey}: not an Ed25519 private key`);
  return {
    central,
    centralPublicKey: Buffer.from(x, 'base64url').toString('base64'),
    siteHmacKey: readFileSync(paths.siteKey, 'utf8').trim(),
    created,
  };
}

/** A lane's secrets file, mode 0600 (the daemon refuses one that "other" may read). */
export function writeLaneSecrets(file: string, keys: DemoKeys): void {
  writePrivate(file, `# Written by the demo (src/demo): the site key and the demo central key's public half.\nsiteHmacKey: "${keys.siteHmacKey}"\ncentralPublicKeys:\n  - "${keys.centralPublicKey}"\n`);
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600); // an older file keeps its mode through writeFileSync
}
