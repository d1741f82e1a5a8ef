import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '../util/logger.js';

/**
 * Reads the signed-QR signer certificates named by `flow.qrSigners`. The credentials module wants
 * DER bytes: a signer's key id is a hash of the certificate's DER encoding (kidOfCertificate), so
 * PEM text handed over as bytes would give a wrong key id and every signed QR would be refused as
 * signed by an unknown key. Files may be PEM (one or more CERTIFICATE blocks) or DER.
 */

/** A `flow.qrSigners` file that is neither PEM nor DER: the configuration is wrong, the lane must not start. */
export class SignerCertificateError extends Error {
  readonly code = 'EX_CONFIG';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`flow.qrSigners: ${path}: ${detail}`);
    this.name = 'SignerCertificateError';
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * DER bytes of every certificate in `bytes` (PEM with one or more blocks, or a single DER
 * certificate). Throws SignerCertificateError naming `path` when there is none.
 */
export function signerCertificatesDer(bytes: Uint8Array, path: string): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => m[0]);
    if (blocks.length === 0) throw new SignerCertificateError(path, 'PEM file without a CERTIFICATE block (a key or a request?)');
    return blocks.map((block, i) => {
      try {
        return new Uint8Array(new X509Certificate(block).raw);
      } catch (err) {
        throw new SignerCertificateError(path, `PEM certificate ${i + 1} does not parse (${shortError(err)})`);
      }
    });
  }
  try {
    return [new Uint8Array(new X509Certificate(Buffer.from(bytes)).raw)];
  } catch (err) {
    throw new SignerCertificateError(path, `neither a PEM nor a DER X.509 certificate (${shortError(err)})`);
  }
}

/**
 * Reads every file. A file that cannot be read is logged and skipped (its QR codes then read as signed
 * by an unknown key, as before); a file that is not a certificate throws SignerCertificateError.
 */
export function readSignerCertificates(paths: readonly string[], log: Logger): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const path of paths) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      log.warn({ path, err: shortError(err) }, 'cannot read signed-QR signer certificate');
      continue;
    }
    out.push(...signerCertificatesDer(bytes, path));
  }
  return out;
}

function shortError(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 160);
}
