import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import { trackHandles } from '../../helpers/leaks.js';
import { mosquittoAvailable, startMosquitto, type Mosquitto } from '../../helpers/mosquitto.js';
import { openTempStore, type TempStore } from '../../unit/sync/support/lane-store.js';
import { centralKeys, makeLink } from '../../unit/sync/support/link-rig.js';

const OPENSSL = '/usr/bin/openssl';
const keys = centralKeys();
let pki: string;
let broker: Mosquitto | null = null;
let temp: TempStore | null = null;
let link: MqttLink | null = null;

function openssl(args: string[]): void {
  execFileSync(OPENSSL, args, { cwd: pki, stdio: 'pipe' });
}

/** A CA, a broker certificate for 127.0.0.1 and a client certificate, all EC P-256 (fast). */
function makePki(): void {
  pki = mkdtempSync(join(tmpdir(), 'lc-pki-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test-ca']);
  writeFileSync(join(pki, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext']);
  openssl(['req', ...ec, '-keyout', 'lane.key', '-out', 'lane.csr', '-subj', '/CN=lane-mongcai-p-entry-03']);
  openssl(['x509', '-req', '-in', 'lane.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'lane.crt', '-days', '2']);
}

const available = mosquittoAvailable() && existsSync(OPENSSL);

function tlsFiles() {
  return { caFile: join(pki, 'ca.crt'), certFile: join(pki, 'lane.crt'), keyFile: join(pki, 'lane.key'), rejectUnauthorized: true };
}

beforeAll(() => {
  if (available) makePki();
});
afterAll(() => {
  if (pki) rmSync(pki, { recursive: true, force: true });
});
afterEach(async () => {
  await link?.stop();
  await temp?.close();
  await broker?.close();
  link = null;
  temp = null;
  broker = null;
});

describe.skipIf(!available)('MqttLink over TLS with a client certificate (Mosquitto)', () => {
  async function tlsBroker(): Promise<{ url: string }> {
    broker = await startMosquitto({
      extra: [`cafile ${join(pki, 'ca.crt')}`, `certfile ${join(pki, 'server.crt')}`, `keyfile ${join(pki, 'server.key')}`, 'require_certificate true', 'use_identity_as_username true'],
    });
    return { url: `mqtts://127.0.0.1:${broker.port}` };
  }

  it('connects with the CA and client certificate from the config, and leaves nothing running after stop', async () => {
    const { url } = await tlsBroker();
    temp = await openTempStore();
    const leaks = trackHandles();
    link = makeLink({ url, temp, publicKeyBase64: keys.publicKeyBase64, protocolVersion: 5, tls: tlsFiles() }).link;
    await link.start();
    await waitUntil(() => link!.status().announced, 'announced over TLS');
    expect(link.health().state).toBe('ok');
    await link.stop();
    link = null;
    await leaks.assertNoneLeft({ settleMs: 3_000 });
  });

  it('says why when the client certificate file is missing, and keeps trying', async () => {
    const { url } = await tlsBroker();
    temp = await openTempStore();
    link = makeLink({ url, temp, publicKeyBase64: keys.publicKeyBase64, protocolVersion: 5, tls: { ...tlsFiles(), certFile: join(pki, 'missing.crt') } }).link;
    await link.start();
    await waitUntil(() => /cannot read mqtt\.tls\.certFile .*missing\.crt \(ENOENT\)/.test(link!.status().connection.lastError ?? ''), 'clear reason');
    await waitUntil(() => link!.status().connection.attempts >= 2, 'retries');
    expect(link.health().state).toBe('starting');
  });

  it('is refused by a broker that requires a certificate when none is given', async () => {
    const { url } = await tlsBroker();
    temp = await openTempStore();
    link = makeLink({ url, temp, publicKeyBase64: keys.publicKeyBase64, protocolVersion: 5, tls: { caFile: join(pki, 'ca.crt'), rejectUnauthorized: true } }).link;
    await link.start();
    await waitUntil(() => link!.status().connection.attempts >= 2, 'retries');
    expect(link.status().announced).toBe(false);
    expect(link.status().connection.lastError).not.toBeNull();
  });
});

async function waitUntil(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
