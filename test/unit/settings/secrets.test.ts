import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue, loadConfigFile, parseEd25519PublicKey } from '../../../src/settings/index.js';
import { LANE_HEADER, makeTempDir } from './helpers.js';

const HMAC_KEY = 'k'.repeat(40);

describe('secrets file', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('lane-secrets'));
  });
  afterEach(() => cleanup());

  function writeConfig(secretsFile: string | undefined): string {
    const path = join(dir, 'lane.yaml');
    writeFileSync(path, `${LANE_HEADER}${secretsFile === undefined ? '' : `secretsFile: ${secretsFile}\n`}`);
    return path;
  }

  function writeSecrets(text: string, mode: number): string {
    const path = join(dir, 'lane.secrets.yaml');
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  }

  it('loads a secrets file that only its owner and group can read', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
    const secrets = writeSecrets(
      `mqttPassword: s3cret\nsiteHmacKey: ${HMAC_KEY}\ncentralPublicKeys:\n  - ${raw}\n  - |\n${pem.replace(/^/gm, '    ')}`,
      0o640,
    );
    const result = loadConfigFile(writeConfig(secrets), { env: {}, cwd: dir });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.secrets.mqttPassword).toBe('s3cret');
    expect(result.secrets.siteHmacKey).toBe(HMAC_KEY);
    expect(result.secrets.centralPublicKeys).toHaveLength(2);
    expect(result.config.secretsFile).toBe(secrets);
  });

  it('refuses a secrets file readable by other users, naming the path and the fix', () => {
    const secrets = writeSecrets(`mqttPassword: s3cret\n`, 0o644);
    const result = loadConfigFile(writeConfig(secrets), { env: {}, cwd: dir });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map(formatIssue)).toEqual([
      `secretsFile: secrets file ${secrets} is accessible by other users (mode 0644); fix it with: chmod o-rwx ${secrets} (0600 or 0640 expected)`,
    ]);
  });

  it('skips the secrets file when checkSecrets is false', () => {
    const result = loadConfigFile(writeConfig('/nonexistent/lane.secrets.yaml'), { env: {}, cwd: dir, checkSecrets: false });
    expect(result.ok && result.secrets).toEqual({});
  });

  it('reports a missing secrets file', () => {
    const result = loadConfigFile(writeConfig('missing.secrets.yaml'), { env: {}, cwd: dir });
    expect(!result.ok && result.issues.map(formatIssue)).toEqual([
      `secretsFile: cannot read secrets file ${join(dir, 'missing.secrets.yaml')} (ENOENT)`,
    ]);
  });

  it('takes the path from LANE_SECRETS_FILE over the config', () => {
    const secrets = writeSecrets(`siteHmacKey: ${HMAC_KEY}\n`, 0o600);
    const result = loadConfigFile(writeConfig('/nonexistent.yaml'), { env: { LANE_SECRETS_FILE: secrets }, cwd: dir });
    expect(result.ok && result.secrets.siteHmacKey).toBe(HMAC_KEY);
  });

  it('never puts secret values into error messages', () => {
    const secrets = writeSecrets(
      `mqttPasword: hunter2-password\nsiteHmacKey: short-hunter2\ncentralPublicKeys: [ hunter2notakey ]\n"hunter2 pasted as a key": 1\n`,
      0o600,
    );
    const result = loadConfigFile(writeConfig(secrets), { env: {}, cwd: dir });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const lines = result.issues.map(formatIssue);
    expect(lines).toEqual([
      'secrets.siteHmacKey: must be at least 32 characters (generate one with: openssl rand -base64 48)',
      'secrets.centralPublicKeys[0]: not an Ed25519 public key (expected base64 of 32 raw bytes or a DER SPKI, or a PEM block)',
      "secrets.mqttPasword: unknown key 'mqttPasword'; did you mean 'mqttPassword'?",
      'secrets: unknown key (not shown); valid keys: mqttPassword, siteHmacKey, centralPublicKeys',
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  it('reports YAML syntax errors in the secrets file by position only', () => {
    const secrets = writeSecrets(`mqttPassword: "hunter2\n`, 0o600);
    const result = loadConfigFile(writeConfig(secrets), { env: {}, cwd: dir });
    expect(!result.ok && result.issues.map(formatIssue)).toEqual([`${secrets}:2:1: YAML syntax error: MISSING_CHAR`]);
  });

  it('accepts the committed secrets.example.yaml once its mode is right', () => {
    const copy = join(dir, 'example.secrets.yaml');
    copyFileSync(new URL('../../../config/secrets.example.yaml', import.meta.url), copy);
    chmodSync(copy, 0o600);
    const result = loadConfigFile(writeConfig(copy), { env: {}, cwd: dir });
    expect(result.ok && Object.keys(result.secrets).sort()).toEqual(['centralPublicKeys', 'mqttPassword', 'siteHmacKey']);
  });

  it('parses Ed25519 public keys in raw base64, DER base64 and PEM, and rejects other keys', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const der = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('base64');
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const text of [der, raw, pem]) {
      expect(parseEd25519PublicKey(text)?.equals(publicKey)).toBe(true);
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(parseEd25519PublicKey(rsa)).toBeUndefined();
    expect(parseEd25519PublicKey('not base64!')).toBeUndefined();
    expect(parseEd25519PublicKey(Buffer.alloc(31).toString('base64'))).toBeUndefined();
  });
});
