import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSignerCertificates, SignerCertificateError } from '../../../src/app/qr-signers.js';
import { kidOfCertificate, verifySignedQr } from '../../../src/credentials/index.js';
import { ensureQrSigner, issueSignedQr } from '../../../src/demo/signed-qr.js';
import { trustListOf } from '../../../src/lane/runner/credential-source.js';
import { tempDir } from '../control/harness.js';

/**
 * flow.qrSigners files as operators have them: PEM from openssl, or DER. A real certificate made
 * with openssl signs a real HC1 code; the lane must verify it from either file form.
 */
const log = pino({ level: 'silent' });
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe('readSignerCertificates', () => {
  it('accepts a PEM certificate: the key id is that of the DER bytes and a signed QR verifies', () => {
    const signer = ensureQrSigner(dir); // openssl writes qr-signer.crt.pem; the DER copy is made from it
    const pemPath = join(dir, 'qr-signer.crt.pem');
    expect(readFileSync(pemPath, 'latin1')).toContain('-----BEGIN CERTIFICATE-----');
    // The bug this guards against: PEM bytes handed on as they are hash to another key id.
    const asRead = trustListOf([readFileSync(pemPath)]);
    expect(asRead.problems).toEqual([]);
    expect(verifySignedQr(issueSignedQr(signer, 'URN:UVCI:01:VN:TEST0000', Date.now()), { trustList: asRead.trustList, clock: { now: () => Date.now() } }).ok).toBe(false);
    const certs = readSignerCertificates([pemPath], log);
    expect(certs).toHaveLength(1);
    expect(Buffer.from(kidOfCertificate(certs[0]!)).toString('hex')).toBe(Buffer.from(signer.kid).toString('hex'));

    const { trustList, problems } = trustListOf(certs);
    expect(problems).toEqual([]);
    const now = Date.now();
    const qr = issueSignedQr(signer, 'URN:UVCI:01:VN:TEST0001', now);
    const r = verifySignedQr(qr, { trustList, clock: { now: () => now } });
    expect(r).toMatchObject({ ok: true, kidHex: Buffer.from(signer.kid).toString('hex') });
  });

  it('accepts DER and a PEM bundle of several certificates', () => {
    const signer = ensureQrSigner(dir);
    const pem = readFileSync(join(dir, 'qr-signer.crt.pem'), 'latin1');
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, `# two signers\n${pem}\n${pem}`);
    const certs = readSignerCertificates([signer.certificatePath, bundle], log);
    expect(certs).toHaveLength(3);
    const raw = new Uint8Array(new X509Certificate(pem).raw);
    for (const c of certs) expect(Buffer.from(c).equals(Buffer.from(raw))).toBe(true);
  });

  it('refuses a file that is neither PEM nor DER, naming the file; skips a missing one', () => {
    const junk = join(dir, 'signer.crt');
    writeFileSync(junk, 'this is not a certificate\n');
    const missing = join(dir, 'missing.pem');
    expect(() => readSignerCertificates([missing, junk], log)).toThrow(SignerCertificateError);
    expect(() => readSignerCertificates([junk], log)).toThrow(`flow.qrSigners: ${junk}: neither a PEM nor a DER X.509 certificate`);
    const keyOnly = join(dir, 'key.pem');
    writeFileSync(keyOnly, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(() => readSignerCertificates([keyOnly], log)).toThrow(`flow.qrSigners: ${keyOnly}: PEM file without a CERTIFICATE block`);
    expect(readSignerCertificates([missing], log)).toEqual([]);
  });
});
