import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/settings/index.js';
import { loadSecretsFile } from '../../../src/settings/secrets.js';
import { makeTempDir } from './helpers.js';

/**
 * Regression (fuzz suite, config/secrets-file, seed 2034748559): a secret split over two lines, its
 * second half glued to the next key, became an unknown key name made of letters and digits, and the
 * refusal echoed it, putting 28 characters of the secret into the journal.
 */

const SECRET = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8';

describe('secrets file: a wrapped secret never reaches a message', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = makeTempDir('lane-secrets-wrap'));
  });
  afterEach(() => cleanup());

  function load(text: string): string[] {
    const path = join(dir, 'lane.secrets.yaml');
    writeFileSync(path, text);
    chmodSync(path, 0o600);
    const result = loadSecretsFile(path);
    expect(result.ok).toBe(false);
    return result.ok ? [] : result.issues.map(formatIssue);
  }

  it('hides an unknown key that is the tail of a wrapped secret', () => {
    const lines = load(`mqttPassword: ${SECRET.slice(0, 24)}\n${SECRET.slice(24, 52)}siteHmacKey: ${SECRET}${SECRET}\n`);
    expect(lines).toEqual(['secrets: unknown key (not shown); valid keys: mqttPassword, siteHmacKey, centralPublicKeys']);
    for (let at = 0; at + 12 <= SECRET.length; at += 6) expect(lines.join('\n')).not.toContain(SECRET.slice(at, at + 12));
  });

  it('hides a key-like fragment that is no near miss of a valid key', () => {
    expect(load(`${SECRET.slice(0, 30)}: 1\n`)).toEqual(['secrets: unknown key (not shown); valid keys: mqttPassword, siteHmacKey, centralPublicKeys']);
  });

  it('still names a misspelt key and suggests the valid one', () => {
    expect(load(`siteHmacKy: ${SECRET}\n`)).toEqual(["secrets.siteHmacKy: unknown key 'siteHmacKy'; did you mean 'siteHmacKey'?"]);
  });
});
