import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { base45Decode, base45Encode } from '../../../src/credentials/qr/base45.js';
import { TrustList } from '../../../src/credentials/qr/trust-list.js';
import { verifySignedQr, type SignedQrReason } from '../../../src/credentials/qr/verify-signed-qr.js';
import { claimsBytes, coseBytes, makeSigner, qrFromCose, signedQr, T0 } from './helpers/dcc-builder.js';
import { byteMutations, mutateText, PROPERTY_RUNS } from './helpers/mutate.js';

const REASONS: ReadonlySet<SignedQrReason> = new Set<SignedQrReason>([
  'QR_EMPTY', 'QR_TOO_LONG', 'QR_PREFIX_UNKNOWN', 'QR_BASE45_INVALID', 'QR_ZLIB_INVALID', 'QR_ZLIB_TOO_LARGE', 'QR_CBOR_INVALID',
  'QR_COSE_STRUCTURE', 'QR_COSE_ALG_UNSUPPORTED', 'QR_COSE_KID_MISSING', 'QR_UNKNOWN_KID', 'QR_ALG_KEY_MISMATCH', 'QR_SIGNATURE_INVALID',
  'QR_CWT_INVALID', 'QR_HCERT_MISSING', 'QR_TIME_CLAIMS_MISSING', 'QR_NOT_YET_VALID', 'QR_EXPIRED', 'QR_ISSUED_OUTSIDE_SIGNER_VALIDITY',
  'QR_OUTLIVES_SIGNER', 'QR_DCC_TYPE_UNCLEAR', 'QR_KEY_USAGE_MISMATCH',
]);

const signer = makeSigner('ES256', { notBefore: T0 - 365 * 86_400_000, notAfter: T0 + 365 * 86_400_000 });
const trust = new TrustList();
trust.add(signer.entry);
const clock = new FakeClock(T0);
const validQr = signedQr(signer);
const validCose = coseBytes(signer);
const validCompressed = base45Decode(validQr.slice(4));
const validPayload = claimsBytes();
const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
// Decompression bombs (200 kB of one byte value, about 200 bytes compressed), made once.
const BOMBS = [0, 0x41, 0xff].map((v) => `HC1:${base45Encode(new Uint8Array(deflateSync(Buffer.alloc(200_000, v))))}`);

/** Every layer of a valid credential, each mutated and re-wrapped so the mutant reaches that layer's parser. */
const payloads = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `HC1:${s}`),
  fc.string({ unit: fc.constantFrom(...B45), maxLength: 600 }).map((s) => `HC1:${s}`),
  mutateText(fc.constantFrom(...B45, 'a', '\n', 'é')).map((m) => m(validQr)),
  byteMutations.map((m) => (validCompressed.ok ? `HC1:${base45Encode(m(validCompressed.bytes))}` : '')),
  byteMutations.map((m) => qrFromCose(m(validCose))),
  byteMutations.map((m) => signedQr(signer, { payload: m(validPayload) })),
  fc.uint8Array({ maxLength: 400 }).map((b) => qrFromCose(b)),
  fc.uint8Array({ maxLength: 400 }).map((b) => signedQr(signer, { payload: b })),
  fc.constantFrom(...BOMBS),
);

describe('signed QR pipeline under generated and mutated payloads', () => {
  it(`never throws and always names a known reason (${PROPERTY_RUNS} runs)`, () => {
    let accepted = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(payloads, (text) => {
        const r = verifySignedQr(text, { trustList: trust, clock });
        if (r.ok) {
          accepted++;
          return;
        }
        seen.add(r.reason);
        expect(REASONS.has(r.reason)).toBe(true);
        expect(typeof r.detail).toBe('string');
        expect(r.detail.length).toBeLessThan(300);
        // A refusal never echoes the presented payload.
        if (text.length >= 24) expect(r.detail.includes(text.slice(4, 24))).toBe(false);
      }),
      { numRuns: PROPERTY_RUNS },
    );
    // The generators reach deep layers, not only the prefix check.
    for (const reason of ['QR_BASE45_INVALID', 'QR_ZLIB_INVALID', 'QR_ZLIB_TOO_LARGE', 'QR_CBOR_INVALID', 'QR_COSE_STRUCTURE', 'QR_SIGNATURE_INVALID', 'QR_CWT_INVALID']) {
      expect(seen).toContain(reason);
    }
    expect(accepted).toBeGreaterThan(0);
  }, 180_000);
});
