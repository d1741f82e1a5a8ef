import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildClientOptions, ConnectionSetupError, type ConnectionSettings } from '../../../src/sync/connection/client-options.js';
import { MqttConnection } from '../../../src/sync/connection/mqtt-connection.js';
import { FakeClock } from '../../../src/util/fake-clock.js';

/**
 * mqtt.tls.keyFile follows the secrets-file rule: refused when other users can access it, with a
 * reason naming the file and the chmod to run. The CA and the certificate are public: any mode.
 * Real files with real modes (chmod), read at every connection attempt; a real EC key and
 * self-signed certificate made with openssl (as test/integration/sync/mosquitto-tls.test.ts does).
 * Material that does not load (not PEM, key and certificate not a pair) is a reason too, not a throw
 * out of mqtt.connect.
 */

const OPENSSL = '/usr/bin/openssl';
const available = existsSync(OPENSSL);
let pki = '';
let keyPem = '';
let certPem = '';
beforeAll(() => {
  if (!available) return;
  pki = mkdtempSync(join(tmpdir(), 'lc-tls-pki-'));
  execFileSync(
    OPENSSL,
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'lane.key', '-out', 'lane.crt', '-days', '2', '-subj', '/CN=lane-test'],
    { cwd: pki, stdio: 'pipe' },
  );
  keyPem = readFileSync(join(pki, 'lane.key'), 'utf8');
  certPem = readFileSync(join(pki, 'lane.crt'), 'utf8');
});
afterAll(() => {
  if (pki !== '') rmSync(pki, { recursive: true, force: true });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-tls-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const will = { topic: 'bg/v1/mongcai/p-entry-03/state', payload: '{}', retain: true };

async function waitFor(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function file(name: string, content: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode); // explicit: writeFileSync's mode is filtered by the umask
  return path;
}

function settings(tls: ConnectionSettings['tls']): ConnectionSettings {
  return { url: 'mqtts://127.0.0.1:1', clientId: 'lane-test', protocolVersion: 5, keepaliveSeconds: 30, connectTimeoutMs: 1000, tls };
}

/** CA and certificate world-readable on purpose: they must never be refused for it. */
function tlsWithKeyMode(mode: number) {
  return {
    caFile: file('ca.crt', certPem, 0o644),
    certFile: file('lane.crt', certPem, 0o644),
    keyFile: file('lane.key', keyPem, mode),
    rejectUnauthorized: true,
  };
}

describe.skipIf(!available)('mqtt.tls.keyFile permissions', () => {
  it.each(['600', '640', '400', '440'])('mode 0%s is accepted and the key is read', (octal) => {
    const mode = parseInt(octal, 8);
    const opts = buildClientOptions(settings(tlsWithKeyMode(mode)), will);
    expect(Buffer.from(opts.key as Buffer).toString('utf8')).toBe(keyPem);
    expect(Buffer.from(opts.cert as Buffer).toString('utf8')).toBe(certPem);
  });

  it.each(['644', '604', '602', '601', '666'])('mode 0%s is refused, naming the file and the chmod to run', (octal) => {
    const mode = parseInt(octal, 8);
    const tls = tlsWithKeyMode(mode);
    let caught: unknown;
    try {
      buildClientOptions(settings(tls), will);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConnectionSetupError);
    const message = (caught as Error).message;
    expect(message).toContain(`mqtt.tls.keyFile ${tls.keyFile} is accessible by other users (mode 0${mode.toString(8)})`);
    expect(message).toContain(`chmod o-rwx ${tls.keyFile}`);
    // The reason never carries the key material.
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('judges a symlinked key by its target', () => {
    const target = file('real.key', keyPem, 0o644);
    const link = join(dir, 'link.key');
    symlinkSync(target, link);
    expect(() => buildClientOptions(settings({ keyFile: link, certFile: file('c.crt', certPem, 0o644), rejectUnauthorized: true }), will)).toThrow(
      /accessible by other users/,
    );
    chmodSync(target, 0o600);
    expect(() => buildClientOptions(settings({ keyFile: link, certFile: join(dir, 'c.crt'), rejectUnauthorized: true }), will)).not.toThrow();
  });

  it('a missing key or a directory is a clear reason too', () => {
    const missing = join(dir, 'nope.key');
    expect(() => buildClientOptions(settings({ keyFile: missing, rejectUnauthorized: true }), will)).toThrow(`cannot read mqtt.tls.keyFile ${missing} (ENOENT)`);
    const sub = join(dir, 'keydir');
    mkdirSync(sub, { mode: 0o700 });
    expect(() => buildClientOptions(settings({ keyFile: sub, rejectUnauthorized: true }), will)).toThrow(`mqtt.tls.keyFile ${sub} is not a regular file`);
  });

  it('material that does not load is a reason naming the file, not a throw out of mqtt.connect', () => {
    const base = tlsWithKeyMode(0o600);
    const junkCert = { ...base, certFile: file('junk.crt', 'not a certificate\n', 0o644) };
    expect(() => buildClientOptions(settings(junkCert), will)).toThrow(new RegExp(`^mqtt\\.tls\\.certFile ${junkCert.certFile} is not a PEM certificate`));
    const junkKey = { ...base, keyFile: file('junk.key', 'not a key\n', 0o600) };
    expect(() => buildClientOptions(settings(junkKey), will)).toThrow(new RegExp(`^mqtt\\.tls\\.keyFile ${junkKey.keyFile} is not a PEM private key`));
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const mismatch = { ...base, keyFile: file('other.key', otherKey, 0o600) };
    let caught: unknown;
    try {
      buildClientOptions(settings(mismatch), will);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConnectionSetupError);
    expect((caught as Error).message).toContain(`mqtt.tls files do not load together (${base.caFile}, ${base.certFile}, ${mismatch.keyFile})`);
    expect((caught as Error).message).not.toContain('PRIVATE KEY');
  });

  it('the connection does not crash on a bad key or certificate: it reports the reason, retries and picks up the fix', async () => {
    const tls = tlsWithKeyMode(0o644);
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 8));
    const conn = new MqttConnection({ settings: settings(tls), will: () => will, clock, log: pino({ level: 'silent' }) });
    try {
      conn.start();
      const status = conn.status();
      expect(status.state).toBe('waiting');
      expect(status.lastError).toContain(`chmod o-rwx ${tls.keyFile}`);
      expect(status.nextAttemptAt).not.toBeNull();
      // Key fixed, but the certificate was replaced by junk (a renewal gone wrong): a reason again, no throw.
      chmodSync(tls.keyFile, 0o600);
      writeFileSync(tls.certFile, 'truncated renewal\n');
      // (FakeClock runs every retry that falls due within the advance: several attempts, none throwing.)
      expect(() => clock.advance(10_000)).not.toThrow();
      expect(conn.status().state).toBe('waiting');
      expect(conn.status().attempts).toBeGreaterThanOrEqual(2);
      expect(conn.status().lastError).toContain(`mqtt.tls.certFile ${tls.certFile} is not a PEM certificate`);
      // All fixed on disk: the next attempt really connects (port 1: refused, a network reason).
      writeFileSync(tls.certFile, certPem);
      const before = conn.status().attempts;
      clock.advance(10_000);
      expect(conn.status().attempts).toBeGreaterThan(before);
      await waitFor(() => conn.status().lastError !== null && !conn.status().lastError!.startsWith('mqtt.tls'));
      expect(conn.status().lastError).toContain('ECONNREFUSED');
    } finally {
      await conn.stop();
    }
  });
});
