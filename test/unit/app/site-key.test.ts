import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSiteKey, SiteKeyFileError } from '../../../src/app/site-key.js';

/**
 * The auto-generated local site key (data dir, file local-site-key) follows the secrets-file rule:
 * created 0600, and refused (not overwritten) when other users can access it. Real files and modes.
 */

let dir: string;
let logged: string;
let log: pino.Logger;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-site-key-'));
  logged = '';
  log = pino(
    { level: 'warn' },
    new Writable({
      write(chunk, _enc, done) {
        logged += String(chunk);
        done();
      },
    }),
  );
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const keyFile = () => join(dir, 'local-site-key');

function writeKey(bytes: Buffer, mode: number): void {
  writeFileSync(keyFile(), bytes);
  chmodSync(keyFile(), mode);
}

describe('local site key', () => {
  it('a configured key is used as is and no file is written', () => {
    expect(resolveSiteKey('configured-site-key-0123456789-abcdefghij', dir, log).toString('utf8')).toBe('configured-site-key-0123456789-abcdefghij');
    expect(existsSync(keyFile())).toBe(false);
  });

  it('generates a 48-byte key in a 0600 file, then reuses it; the key never reaches the log', () => {
    const first = resolveSiteKey(undefined, join(dir, 'data'), log);
    const path = join(dir, 'data', 'local-site-key');
    expect(first).toHaveLength(48);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const again = resolveSiteKey(undefined, join(dir, 'data'), log);
    expect(again.equals(first)).toBe(true);
    expect(logged).toContain('generated a local key');
    expect(logged).not.toContain(first.toString('hex'));
    expect(logged).not.toContain(first.toString('base64'));
  });

  it.each(['600', '640', '400'])('an existing key file with mode 0%s is used', (octal) => {
    const key = Buffer.alloc(48, 9);
    writeKey(key, parseInt(octal, 8));
    expect(resolveSiteKey(undefined, dir, log).equals(key)).toBe(true);
  });

  it.each(['644', '604', '606', '666'])('an existing key file with mode 0%s is refused and left untouched', (octal) => {
    const key = Buffer.alloc(48, 9);
    writeKey(key, parseInt(octal, 8));
    let caught: unknown;
    try {
      resolveSiteKey(undefined, dir, log);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SiteKeyFileError);
    expect((caught as SiteKeyFileError).code).toBe('EX_CONFIG');
    expect((caught as Error).message).toBe(
      `local site key ${keyFile()} is accessible by other users (mode 0${octal}); fix it with: chmod o-rwx ${keyFile()} (0600 or 0640 expected)`,
    );
    expect(readFileSync(keyFile()).equals(key)).toBe(true);
    expect(statSync(keyFile()).mode & 0o777).toBe(parseInt(octal, 8));
  });

  it('a short private key file is replaced by a new 0600 key', () => {
    writeKey(Buffer.from('short'), 0o640);
    const key = resolveSiteKey(undefined, dir, log);
    expect(key).toHaveLength(48);
    expect(readFileSync(keyFile()).equals(key)).toBe(true);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
  });
});
