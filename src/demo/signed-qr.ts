import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { base45Encode, kidOfCertificate } from '../credentials/index.js';
import { concatBytes, encodeBytes, encodeHead, encodeText, sign1SigStructure } from '../credentials/qr/cbor/encode.js';

/**
 * The demo's own signed QR credentials (EU DCC format: CWT in COSE_Sign1, zlib, Base45, "HC1:"),
 * issued with a signer the demo makes at first start: an EC P-256 key and a self-signed certificate
 * (made with the openssl command, which Debian installs by default). The lanes trust the certificate
 * through `flow.qrSigners`; the credentials list carries the certificate identifier `ci`, which is what
 * the lane looks a signed QR up by. The holder is fictional.
 */
type Cbor = number | string | Uint8Array | Cbor[] | Map<number | string, Cbor>;

function encode(v: Cbor): Uint8Array {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError('integers only');
    return v >= 0 ? encodeHead(0, v) : encodeHead(1, -1 - v);
  }
  if (typeof v === 'string') return encodeText(v);
  if (v instanceof Uint8Array) return encodeBytes(v);
  if (Array.isArray(v)) return concatBytes([encodeHead(4, v.length), ...v.map(encode)]);
  return concatBytes([encodeHead(5, v.size), ...[...v].flatMap(([k, x]) => [encode(k), encode(x)])]);
}

export interface QrSigner {
  key: KeyObject;
  /** DER form of the certificate: what `flow.qrSigners` names (the key id is a hash of the DER bytes). */
  certificatePath: string;
  kid: Uint8Array;
  notBefore: number;
  notAfter: number;
}

/** The signer key (0600) and certificate, made once under `keysDir`. */
export function ensureQrSigner(keysDir: string): QrSigner {
  const keyPath = `${keysDir}/qr-signer.key.pem`;
  const pemPath = `${keysDir}/qr-signer.crt.pem`;
  const certificatePath = `${keysDir}/qr-signer.crt.der`;
  if (!existsSync(keyPath) || !existsSync(pemPath)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(keyPath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    try {
      execFileSync('openssl', ['req', '-x509', '-new', '-key', keyPath, '-sha256', '-days', '3650', '-subj', '/C=VN/O=Lane controller demo/CN=Demo DCC signer', '-out', pemPath], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`cannot make the demo's QR signer certificate with openssl (apt-get install openssl): ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const cert = new X509Certificate(readFileSync(pemPath));
  writeFileSync(certificatePath, cert.raw, { mode: 0o644 });
  return { key: createPrivateKey(readFileSync(keyPath)), certificatePath, kid: kidOfCertificate(cert.raw), notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/** A signed QR vaccination credential with certificate identifier `ci`, valid from `now` for up to a year. */
export function issueSignedQr(signer: QrSigner, ci: string, now: number): string {
  // Never before the certificate's start (the lane refuses a credential issued outside its signer's validity).
  const iat = Math.max(Math.floor(now / 1000) - 60, Math.ceil(signer.notBefore / 1000));
  const exp = Math.min(Math.floor(signer.notAfter / 1000) - 60, iat + 365 * 86_400);
  const hcert: Cbor = new Map<string, Cbor>([
    ['ver', '1.3.0'],
    ['nam', new Map<string, Cbor>([['fn', 'Demo'], ['fnt', 'DEMO'], ['gn', 'Traveller'], ['gnt', 'TRAVELLER']])],
    ['dob', '1990-01-01'],
    ['v', [new Map<string, Cbor>([['tg', '840539006'], ['vp', '1119349007'], ['mp', 'EU/1/20/1528'], ['ma', 'ORG-100030215'], ['dn', 2], ['sd', 2], ['dt', '2026-01-10'], ['co', 'VN'], ['is', 'Lane controller demo'], ['ci', ci]])]],
  ]);
  const claims = encode(new Map<number, Cbor>([[1, 'VN'], [4, exp], [6, iat], [-260, new Map<number, Cbor>([[1, hcert]])]]));
  const protectedBytes = encode(new Map<number, Cbor>([[1, -7], [4, signer.kid]]));
  const signature = sign('sha256', sign1SigStructure(protectedBytes, claims), { key: signer.key, dsaEncoding: 'ieee-p1363' });
  // COSE_Sign1, tag 18: [protected, unprotected, payload, signature]
  const cose = concatBytes([encodeHead(6, 18), encode([protectedBytes, new Map(), claims, new Uint8Array(signature)])]);
  return `HC1:${base45Encode(deflateSync(cose, { level: 9 }))}`;
}
