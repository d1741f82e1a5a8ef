import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialSource, trustListOf } from '../../../../src/lane/runner/credential-source.js';

/**
 * Scanned QR / MRZ -> CredentialEvidence with the real verifiers, on the shared vectors (read at
 * run time from ../shared/fixtures, never copied). idHash must be exactly the keyed hash the
 * `credentials` list computes for the same identifier, or the store lookup misses.
 */
const FIXTURES = process.env.LANE_FIXTURES ?? resolve(import.meta.dirname, '../../../../../shared/fixtures');
const DCC = join(FIXTURES, 'dcc/vectors/AT__2.json');
const MRZ = join(FIXTURES, 'mrz/mrz_vectors.json');
const KEY = Buffer.from('unit-test-site-key-0123456789-abcdefghijklmnop');
const hash = (kind: string, value: string): Uint8Array => createHmac('sha256', KEY).update(`${kind}:${value}`).digest();
const hex = (kind: string, value: string) => Buffer.from(hash(kind, value)).toString('hex');

interface DccVector {
  PREFIX: string;
  JSON: { r: Array<{ ci: string }> };
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
}

describe.skipIf(!existsSync(DCC))('credential source: signed QR', () => {
  const v = JSON.parse(readFileSync(DCC, 'utf8')) as DccVector;
  const at = Date.parse(v.TESTCTX.VALIDATIONCLOCK);

  it('verifies a signed QR and identifies it by its certificate identifier (ci), times in ms', () => {
    const { trustList, problems } = trustListOf([Buffer.from(v.TESTCTX.CERTIFICATE, 'base64')]);
    expect(problems).toEqual([]);
    const src = new CredentialSource({ hash, trustList, clock: { now: () => at } });
    const r = src.evidenceOf({ kind: 'qr', text: `${v.PREFIX}\r\n`, reader: 'qr' });
    expect(r).toMatchObject({ ok: true, credential: { kind: 'signed-qr', idHash: hex('signed-qr', v.JSON.r[0]!.ci), verification: { valid: true } } });
    const c = r.ok ? r.credential : null;
    expect(c!.validFrom).toBeLessThanOrEqual(at);
    expect(c!.validUntil).toBeGreaterThan(at);
    expect(c!.validUntil! / 1e12).toBeGreaterThan(1); // ms, not seconds
  });

  it('an unknown signer is still a credential, decided as invalid (never the payload in the reason)', () => {
    const src = new CredentialSource({ hash, trustList: trustListOf([]).trustList, clock: { now: () => at } });
    const r = src.evidenceOf({ kind: 'qr', text: v.PREFIX, reader: 'qr' });
    expect(r).toMatchObject({ ok: true, credential: { kind: 'signed-qr', verification: { valid: false, reason: 'QR_UNKNOWN_KID' } } });
  });
});

describe('credential source: tokens and MRZ', () => {
  const src = new CredentialSource({ hash, trustList: trustListOf([]).trustList, clock: { now: () => Date.UTC(2026, 0, 1) } });

  it('opaque tokens hash as qr-token; junk gets a short reason', () => {
    expect(src.evidenceOf({ kind: 'qr', text: 'BOOKING-7f3a9c2e41d8b6a0\r', reader: 'qr' })).toMatchObject({
      ok: true,
      credential: { kind: 'qr-token', idHash: hex('qr-token', 'BOOKING-7f3a9c2e41d8b6a0'), verification: { valid: true } },
    });
    expect(src.evidenceOf({ kind: 'qr', text: 'hi', reader: 'qr' })).toEqual({ ok: false, problem: 'TOKEN_TOO_SHORT' });
    expect(src.evidenceOf({ kind: 'unreadable', problem: 'MRZ_LINE-COUNT', reader: 'mrz' })).toEqual({ ok: false, problem: 'MRZ_LINE-COUNT' });
  });

  it.skipIf(!existsSync(MRZ))('MRZ: document number hashed as document-number, nationality and expiry kept', () => {
    const vectors = (JSON.parse(readFileSync(MRZ, 'utf8')) as { vectors: Array<{ id: string; input: string[] }> }).vectors;
    const swiss = vectors.find((x) => x.id === 'td1::swiss ID - valid::MRZ')!;
    const r = src.evidenceOf({ kind: 'mrz', lines: swiss.input, reader: 'mrz' });
    expect(r).toMatchObject({ ok: true, credential: { kind: 'travel-document', idHash: hex('document-number', 'A1234567'), verification: { valid: true }, nationality: 'CHE', issuingState: 'CHE' } });
    expect(r.ok && r.credential.validUntil).toBe(Date.UTC(2020, 8, 2)); // expiry 200901, exclusive end of that day
    const bad = vectors.find((x) => x.id === 'td3::Utopia example::MRZ')!;
    expect(src.evidenceOf({ kind: 'mrz', lines: bad.input, reader: 'mrz' })).toMatchObject({ ok: true, credential: { verification: { valid: false } } });
  });
});
