import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { base45Encode } from '../../../../src/credentials/qr/base45.js';
import { sign1SigStructure } from '../../../../src/credentials/qr/cbor/encode.js';
import { CborTagged } from '../../../../src/credentials/qr/cbor/cbor-value.js';
import { ALL_DCC_TYPES, type DccType, type TrustEntry } from '../../../../src/credentials/qr/trust-list.js';
import { encodeCbor, type Encodable } from './cbor-encode.js';

/**
 * Builds signed QR credentials with test keys made here, layer by layer, so each test can
 * break exactly one layer. Nothing personal: the health certificate is synthetic.
 */
export interface TestSigner {
  alg: 'ES256' | 'PS256';
  privateKey: KeyObject;
  entry: TrustEntry;
  kid: Uint8Array;
}

export function makeSigner(alg: 'ES256' | 'PS256', opts: { allowedTypes?: readonly DccType[]; notBefore?: number; notAfter?: number; label?: string } = {}): TestSigner {
  const pair = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8));
  const entry: TrustEntry = {
    kidHex: Buffer.from(kid).toString('hex'),
    publicKey: pair.publicKey,
    alg,
    allowedTypes: new Set(opts.allowedTypes ?? ALL_DCC_TYPES),
  };
  if (opts.notBefore !== undefined) entry.notBefore = opts.notBefore;
  if (opts.notAfter !== undefined) entry.notAfter = opts.notAfter;
  if (opts.label !== undefined) entry.label = opts.label;
  return { alg, privateKey: pair.privateKey, entry, kid };
}

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY_S = 86_400;

export function sampleHcert(type: DccType = 'v'): Map<string, Encodable> {
  const entry: Record<string, Encodable> =
    type === 'v'
      ? { tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2025-11-02', co: 'VN', is: 'Test issuer', ci: 'URN:UVCI:01:VN:TEST0000000001' }
      : type === 't'
        ? { tg: '840539006', tt: 'LP6464-4', sc: '2026-01-14T08:00:00Z', tr: '260415000', tc: 'Test centre', co: 'VN', is: 'Test issuer', ci: 'URN:UVCI:01:VN:TEST0000000002' }
        : { tg: '840539006', fr: '2025-12-01', co: 'VN', is: 'Test issuer', df: '2025-12-12', du: '2026-06-01', ci: 'URN:UVCI:01:VN:TEST0000000003' };
  return new Map<string, Encodable>([
    ['ver', '1.3.0'],
    ['nam', { fn: 'Testperson', fnt: 'TESTPERSON', gn: 'Alpha', gnt: 'ALPHA' }],
    ['dob', '1990-01-01'],
    [type, [entry]],
  ]);
}

export interface ClaimsSpec {
  iss?: Encodable;
  iat?: Encodable;
  exp?: Encodable;
  nbf?: Encodable;
  hcert?: Encodable;
  /** Replace the whole payload map. */
  raw?: Encodable;
}

export function claimsBytes(spec: ClaimsSpec = {}, nowMs = T0): Uint8Array {
  if (spec.raw !== undefined) return encodeCbor(spec.raw);
  const now = Math.floor(nowMs / 1000);
  const m = new Map<number, Encodable>();
  m.set(1, spec.iss ?? 'VN');
  if (spec.iat !== null) m.set(6, spec.iat ?? now - DAY_S);
  if (spec.exp !== null) m.set(4, spec.exp ?? now + 30 * DAY_S);
  if (spec.nbf !== undefined) m.set(5, spec.nbf);
  m.set(-260, new Map<number, Encodable>([[1, spec.hcert ?? sampleHcert()]]));
  return encodeCbor(m);
}

export interface CoseSpec {
  payload?: Uint8Array;
  protectedHeader?: Map<number, Encodable> | null;
  unprotectedHeader?: Map<number, Encodable>;
  /** Flip a bit of the signature after signing. */
  corruptSignature?: boolean;
  tagged?: boolean;
}

export function coseBytes(signer: TestSigner, spec: CoseSpec = {}): Uint8Array {
  const payload = spec.payload ?? claimsBytes();
  const ph = spec.protectedHeader === null ? new Uint8Array(0) : encodeCbor(spec.protectedHeader ?? new Map<number, Encodable>([[1, signer.alg === 'ES256' ? -7 : -37], [4, signer.kid]]));
  const toSign = sign1SigStructure(ph, payload);
  const sig = new Uint8Array(
    signer.alg === 'ES256'
      ? sign('sha256', toSign, { key: signer.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', toSign, { key: signer.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  );
  if (spec.corruptSignature) sig[sig.length - 1]! ^= 0x01;
  const body: Encodable = [ph, spec.unprotectedHeader ?? new Map(), payload, sig];
  return encodeCbor(spec.tagged === false ? body : new CborTagged(18, body as never));
}

export function qrFromCose(cose: Uint8Array, prefix = 'HC1:'): string {
  return prefix + base45Encode(new Uint8Array(deflateSync(cose)));
}

export function signedQr(signer: TestSigner, spec: CoseSpec = {}): string {
  return qrFromCose(coseBytes(signer, spec));
}
