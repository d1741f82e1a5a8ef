/**
 * Scanned QR codes and MRZ lines -> the decision engine's CredentialEvidence, with src/credentials
 * doing the parsing and verifying and the store's keyed hash turning identifiers into `idHash`
 * (the same hash the credentials list was loaded with, so the lookup finds the row).
 *
 * Identifier of each kind (what the central system must hash for the `credentials` list):
 * - opaque QR token (`qr-token`): the token text as scanned (trailing CR/LF removed);
 * - signed QR (`signed-qr`, EU DCC format): the certificate identifier `ci` of its one v/t/r entry;
 * - passport / ID card (`travel-document`): the MRZ document number, normalised.
 * Payloads, names and numbers never leave this file except inside the hash.
 */
import {
  IDENTIFIER_KIND,
  TrustList,
  classifyQrPayload,
  mrzYear,
  normaliseDocumentNumber,
  parseMrz,
  parseOpaqueToken,
  trustEntryFromCertificate,
  verifySignedQr,
  type VerifiedSignedQr,
} from '../../credentials/index.js';
import type { CredentialEvidence } from '../../decision/types.js';
import type { Clock } from '../../util/clock.js';
import type { CredentialPort, CredentialResult, Presentation } from './ports.js';

export interface CredentialSourceDeps {
  /** The store's keyed hash (HMAC with the site key): (kind, normalised value) -> digest. */
  hash(kind: string, value: string): Uint8Array;
  /** Signed-QR signer certificates (DER or base64); none: every signed QR reads as unknown signer. */
  trustList: TrustList;
  clock: Pick<Clock, 'now'>;
}

/** Builds a trust list from certificates; returns the problems (by index) of those that did not load. */
export function trustListOf(certificates: readonly (Uint8Array | string)[]): { trustList: TrustList; problems: string[] } {
  const trustList = new TrustList();
  const problems: string[] = [];
  certificates.forEach((cert, i) => {
    const r = trustEntryFromCertificate(cert, `signer-${i}`);
    if (r.ok) trustList.add(r.entry);
    else problems.push(`signer certificate ${i}: ${r.reason}`);
  });
  return { trustList, problems };
}

export class CredentialSource implements CredentialPort {
  constructor(private readonly deps: CredentialSourceDeps) {}

  evidenceOf(p: Presentation): CredentialResult {
    switch (p.kind) {
      case 'qr':
        return classifyQrPayload(p.text) === 'signed-dcc' ? this.signedQr(p.text) : this.token(p.text);
      case 'mrz':
        return this.mrz(p.lines);
      case 'unreadable':
        return { ok: false, problem: p.problem.slice(0, 40) };
    }
  }

  private hex(kind: string, value: string): string {
    return Buffer.from(this.deps.hash(kind, value)).toString('hex');
  }

  private token(text: string): CredentialResult {
    const t = parseOpaqueToken(text);
    if (!t.ok) return { ok: false, problem: t.reason };
    return { ok: true, credential: evidence('qr-token', this.hex(IDENTIFIER_KIND.qrToken, t.token), { valid: true }) };
  }

  private signedQr(text: string): CredentialResult {
    const r = verifySignedQr(text, { trustList: this.deps.trustList, clock: this.deps.clock });
    if (!r.ok) {
      // Refused credentials still go to the decision (CREDENTIAL_INVALID, journaled); the hash of the
      // payload itself identifies the attempt without storing it.
      const idHash = this.hex('signed-qr', text.replace(/[\r\n]+$/u, '').slice(0, 4_296));
      return { ok: true, credential: evidence('signed-qr', idHash, { valid: false, reason: r.reason }) };
    }
    const ci = certificateIdentifier(r);
    if (ci === null) return { ok: true, credential: evidence('signed-qr', this.hex('signed-qr', text.slice(0, 4_296)), { valid: false, reason: 'QR_CI_MISSING' }) };
    const issuer = typeof r.issuer === 'string' && /^[A-Z<]{1,3}$/u.test(r.issuer) ? r.issuer : null;
    return {
      ok: true,
      // CWT times are seconds; the decision engine works in epoch ms.
      credential: { ...evidence('signed-qr', this.hex('signed-qr', ci), { valid: true }), validFrom: r.issuedAt * 1000, validUntil: r.expiresAt * 1000, issuingState: issuer },
    };
  }

  private mrz(lines: readonly string[]): CredentialResult {
    const r = parseMrz([...lines]);
    if (!r.ok) return { ok: false, problem: r.reason };
    const number = r.documentNumber === null ? '' : normaliseDocumentNumber(r.documentNumber);
    if (number.length === 0) return { ok: false, problem: 'MRZ_NO_DOCUMENT_NUMBER' };
    const fields = r.fields as Record<string, string | null | undefined>;
    const state = (v: string | null | undefined): string | null => (typeof v === 'string' && /^[A-Z<]{1,3}$/u.test(v) ? v : null);
    const problem = r.invalidFields[0]?.code ?? 'MRZ_INVALID';
    return {
      ok: true,
      credential: {
        ...evidence('travel-document', this.hex(IDENTIFIER_KIND.documentNumber, number), r.valid ? { valid: true } : { valid: false, reason: problem }),
        validUntil: expiryOf(fields['expirationDate'], this.deps.clock.now()),
        nationality: state(fields['nationality']),
        issuingState: state(fields['issuingState']),
      },
    };
  }
}

function evidence(kind: CredentialEvidence['kind'], idHash: string, verification: CredentialEvidence['verification']): CredentialEvidence {
  return { kind, idHash, verification, validFrom: null, validUntil: null, nationality: null, issuingState: null };
}

/** The `ci` (UVCI) of the single v/t/r entry, or null. */
function certificateIdentifier(r: VerifiedSignedQr): string | null {
  const entries = r.hcert.get(r.dccType);
  if (!Array.isArray(entries) || entries.length !== 1) return null;
  const entry = entries[0];
  if (!(entry instanceof Map)) return null;
  const ci = entry.get('ci');
  return typeof ci === 'string' && ci.length > 0 && ci.length <= 256 ? ci : null;
}

/** MRZ expiry YYMMDD -> end of that day (exclusive bound), or null when absent/invalid. */
function expiryOf(yymmdd: string | null | undefined, now: number): number | null {
  if (typeof yymmdd !== 'string' || !/^\d{6}$/u.test(yymmdd)) return null;
  const year = mrzYear(Number(yymmdd.slice(0, 2)), 'expiry', now);
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const t = Date.UTC(year, month - 1, day + 1);
  return Number.isFinite(t) ? t : null;
}
