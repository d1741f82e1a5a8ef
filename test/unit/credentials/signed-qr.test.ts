import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { base45Encode } from '../../../src/credentials/qr/base45.js';
import { CborTagged } from '../../../src/credentials/qr/cbor/cbor-value.js';
import { classifyQrPayload } from '../../../src/credentials/qr/classify-qr.js';
import { TrustList } from '../../../src/credentials/qr/trust-list.js';
import { verifySignedQr, type SignedQrReason } from '../../../src/credentials/qr/verify-signed-qr.js';
import { encodeCbor, type Encodable } from './helpers/cbor-encode.js';
import { claimsBytes, coseBytes, makeSigner, qrFromCose, sampleHcert, signedQr, T0 } from './helpers/dcc-builder.js';

const es = makeSigner('ES256');
const ps = makeSigner('PS256');
const trust = new TrustList();
trust.add(es.entry);
trust.add(ps.entry);
const clock = new FakeClock(T0);
const verify = (text: string, t: TrustList = trust) => verifySignedQr(text, { trustList: t, clock });
const DAY = 86_400;
const now = Math.floor(T0 / 1000);

function expectReason(text: string, reason: SignedQrReason, t: TrustList = trust): void {
  const r = verify(text, t);
  expect(r.ok ? 'accepted' : r.reason).toBe(reason);
  // Detail strings may reach logs: they never quote the payload.
  if (!r.ok) expect(text.length < 12 || !r.detail.includes(text.slice(4, 12))).toBe(true);
}

describe('verifySignedQr: accepted credentials', () => {
  it.each([
    ['ES256', es],
    ['PS256', ps],
  ] as const)('verifies a %s credential end to end', (_alg, signer) => {
    const r = verify(signedQr(signer));
    expect(r).toMatchObject({ ok: true, alg: signer.alg, kidHex: signer.entry.kidHex, dccType: 'v', issuer: 'VN' });
    if (r.ok) expect(r.hcert.get('dob')).toBe('1990-01-01');
  });

  it('accepts untagged COSE, COSE wrapped in the CWT tag, a kid in the unprotected header, and a trailing CR/LF', () => {
    expect(verify(signedQr(es, { tagged: false })).ok).toBe(true);
    // Tag 61 (CWT) = 0xd8 0x3d, around the tag-18 COSE_Sign1.
    const wrapped = new Uint8Array([0xd8, 0x3d, ...coseBytes(es)]);
    expect(verify(qrFromCose(wrapped)).ok).toBe(true);
    const unprotectedKid = signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -7]]), unprotectedHeader: new Map<number, Encodable>([[4, es.kid]]) });
    expect(verify(unprotectedKid).ok).toBe(true);
    expect(verify(`${signedQr(es)}\r\n`).ok).toBe(true);
  });

  it('classifies payloads by their prefix', () => {
    expect(classifyQrPayload(signedQr(es))).toBe('signed-dcc');
    expect(classifyQrPayload('d2VsY29tZS10by10aGUtbGFuZQ')).toBe('opaque-token');
  });
});

describe('verifySignedQr: every layer refuses with its own reason', () => {
  it('text layer', () => {
    expectReason('', 'QR_EMPTY');
    expectReason('\r\n', 'QR_EMPTY');
    expectReason(`HC1:${'A'.repeat(5_000)}`, 'QR_TOO_LONG');
    expectReason(signedQr(es).replace('HC1:', 'HC2:'), 'QR_PREFIX_UNKNOWN');
    expectReason(signedQr(es).slice(4), 'QR_PREFIX_UNKNOWN');
  });

  it('Base45 layer', () => {
    expectReason('HC1:abc', 'QR_BASE45_INVALID');
    const qr = signedQr(es);
    // One character too many: Base45 text of length 3n+1 cannot be decoded.
    const extra = qr.slice(4).length % 3 === 0 ? '0' : qr.slice(4).length % 3 === 2 ? '00' : '';
    expectReason(qr + extra, 'QR_BASE45_INVALID');
    expectReason('HC1:GGW', 'QR_BASE45_INVALID');
  });

  it('zlib layer: not compressed, corrupt, truncated, and a decompression bomb', () => {
    const cose = coseBytes(es);
    expectReason(`HC1:${base45Encode(cose)}`, 'QR_ZLIB_INVALID');
    const z = new Uint8Array(deflateSync(cose));
    const corrupt = z.slice();
    corrupt[10]! ^= 0xff;
    expectReason(`HC1:${base45Encode(corrupt)}`, 'QR_ZLIB_INVALID');
    expectReason(`HC1:${base45Encode(z.subarray(0, z.length - 6))}`, 'QR_ZLIB_INVALID');
    // 16 MiB of zeros deflate to about 16 KiB: far beyond the 64 KiB output limit.
    const bomb = new Uint8Array(deflateSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 }));
    expect(bomb.length).toBeLessThan(20_000);
    const before = process.memoryUsage().arrayBuffers;
    expectReason(qrFromCose(new Uint8Array(0)).slice(0, 4) + base45Encode(bomb), 'QR_TOO_LONG');
    const r = verifySignedQr(`HC1:${base45Encode(bomb)}`, { trustList: trust, clock, limits: { maxTextChars: 40_000, maxInflatedBytes: 64 * 1024, cbor: { maxDepth: 24, maxItems: 20_000 } } });
    expect(r).toMatchObject({ ok: false, reason: 'QR_ZLIB_TOO_LARGE' });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });

  it('CBOR and COSE structure', () => {
    expectReason(qrFromCose(Uint8Array.of(0x9f, 0x01)), 'QR_CBOR_INVALID');
    expectReason(qrFromCose(Uint8Array.of(0x01, 0x02)), 'QR_CBOR_INVALID');
    expectReason(qrFromCose(encodeCbor({ a: 1 })), 'QR_COSE_STRUCTURE');
    expectReason(qrFromCose(encodeCbor([new Uint8Array(0), new Map(), new Uint8Array(0)])), 'QR_COSE_STRUCTURE');
    expectReason(qrFromCose(encodeCbor(new CborTagged(98, [] as never) as never)), 'QR_COSE_STRUCTURE');
    expectReason(qrFromCose(encodeCbor(['x', new Map(), new Uint8Array(0), new Uint8Array(0)])), 'QR_COSE_STRUCTURE');
    expectReason(qrFromCose(encodeCbor([encodeCbor([1]), new Map(), new Uint8Array(0), new Uint8Array(0)])), 'QR_COSE_STRUCTURE');
  });

  it('COSE headers: algorithm and key id', () => {
    expectReason(signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -8], [4, es.kid]]) }), 'QR_COSE_ALG_UNSUPPORTED');
    expectReason(signedQr(es, { protectedHeader: new Map<number, Encodable>([[4, es.kid]]), unprotectedHeader: new Map<number, Encodable>([[1, -7]]) }), 'QR_COSE_ALG_UNSUPPORTED');
    expectReason(signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -7]]) }), 'QR_COSE_KID_MISSING');
    expectReason(signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -7], [4, 'text-kid']]) }), 'QR_COSE_STRUCTURE');
  });

  it('signer and signature', () => {
    const other = makeSigner('ES256');
    expectReason(signedQr(other), 'QR_UNKNOWN_KID');
    // A protected kid that is wrong is not rescued by a right one in the unprotected header.
    expectReason(
      signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -7], [4, other.kid]]), unprotectedHeader: new Map<number, Encodable>([[4, es.kid]]) }),
      'QR_UNKNOWN_KID',
    );
    expectReason(signedQr(es, { protectedHeader: new Map<number, Encodable>([[1, -37], [4, es.kid]]) }), 'QR_ALG_KEY_MISMATCH');
    expectReason(signedQr(es, { corruptSignature: true }), 'QR_SIGNATURE_INVALID');
    expectReason(signedQr(ps, { corruptSignature: true }), 'QR_SIGNATURE_INVALID');
    // Signed by a different key that claims the trusted kid.
    const impostor = { ...other, kid: es.kid };
    expectReason(signedQr(impostor), 'QR_SIGNATURE_INVALID');
    // Payload changed after signing.
    const cose = coseBytes(es);
    const i = Buffer.from(cose).indexOf(Buffer.from('Testperson'));
    cose[i] = 'X'.charCodeAt(0);
    expectReason(qrFromCose(cose), 'QR_SIGNATURE_INVALID');
  });

  it('claims', () => {
    expectReason(signedQr(es, { payload: encodeCbor([1, 2]) }), 'QR_CWT_INVALID');
    expectReason(signedQr(es, { payload: Uint8Array.of(0xa1, 0x01) }), 'QR_CWT_INVALID');
    expectReason(signedQr(es, { payload: claimsBytes({ exp: 'tomorrow' }) }), 'QR_CWT_INVALID');
    expectReason(signedQr(es, { payload: claimsBytes({ raw: new Map<number, Encodable>([[1, 'VN'], [4, now + DAY], [6, now]]) }) }), 'QR_HCERT_MISSING');
    expectReason(signedQr(es, { payload: claimsBytes({ raw: new Map<number, Encodable>([[-260, new Map<number, Encodable>([[2, {}]])]]) }) }), 'QR_HCERT_MISSING');
  });

  it('time window against the injected clock', () => {
    expectReason(signedQr(es, { payload: claimsBytes({ exp: null }) }), 'QR_TIME_CLAIMS_MISSING');
    expectReason(signedQr(es, { payload: claimsBytes({ iat: null }) }), 'QR_TIME_CLAIMS_MISSING');
    expectReason(signedQr(es, { payload: claimsBytes({ exp: now - 1 }) }), 'QR_EXPIRED');
    expectReason(signedQr(es, { payload: claimsBytes({ iat: now + 60 }) }), 'QR_NOT_YET_VALID');
    expectReason(signedQr(es, { payload: claimsBytes({ nbf: now + 60 }) }), 'QR_NOT_YET_VALID');
    // The same credential becomes valid, then expires, as the fake clock moves.
    const qr = signedQr(es, { payload: claimsBytes({ iat: now + 60, exp: now + 120 }) });
    const c = new FakeClock(T0);
    expect(verifySignedQr(qr, { trustList: trust, clock: c })).toMatchObject({ ok: false, reason: 'QR_NOT_YET_VALID' });
    c.advance(60_000);
    expect(verifySignedQr(qr, { trustList: trust, clock: c }).ok).toBe(true);
    c.advance(61_000);
    expect(verifySignedQr(qr, { trustList: trust, clock: c })).toMatchObject({ ok: false, reason: 'QR_EXPIRED' });
  });

  it('signer certificate validity bounds the credential', () => {
    const bounded = makeSigner('ES256', { notBefore: T0 - 10 * DAY * 1000, notAfter: T0 + 10 * DAY * 1000 });
    const t = new TrustList();
    t.add(bounded.entry);
    expect(verify(signedQr(bounded, { payload: claimsBytes({ exp: now + 5 * DAY }) }), t).ok).toBe(true);
    expectReason(signedQr(bounded, { payload: claimsBytes({ iat: now - 20 * DAY }) }), 'QR_ISSUED_OUTSIDE_SIGNER_VALIDITY', t);
    expectReason(signedQr(bounded, { payload: claimsBytes({ exp: now + 20 * DAY }) }), 'QR_OUTLIVES_SIGNER', t);
  });

  it('kind of certificate and key usage', () => {
    const both = new Map(sampleHcert('v'));
    both.set('t', sampleHcert('t').get('t')!);
    expectReason(signedQr(es, { payload: claimsBytes({ hcert: both }) }), 'QR_DCC_TYPE_UNCLEAR');
    expectReason(signedQr(es, { payload: claimsBytes({ hcert: new Map<string, Encodable>([['ver', '1.3.0'], ['v', []]]) }) }), 'QR_DCC_TYPE_UNCLEAR');
    const testOnly = makeSigner('ES256', { allowedTypes: ['t'] });
    const t = new TrustList();
    t.add(testOnly.entry);
    expectReason(signedQr(testOnly, { payload: claimsBytes({ hcert: sampleHcert('r') }) }), 'QR_KEY_USAGE_MISMATCH', t);
    expect(verify(signedQr(testOnly, { payload: claimsBytes({ hcert: sampleHcert('t') }) }), t)).toMatchObject({ ok: true, dccType: 't' });
  });
});
