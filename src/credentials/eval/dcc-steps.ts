import { base45Decode } from '../qr/base45.js';
import { inflateBounded } from '../qr/bounded-inflate.js';
import { isCborMap } from '../qr/cbor/cbor-value.js';
import { decodeCbor } from '../qr/cbor/strict-decode.js';
import { decodeCoseSign1 } from '../qr/cose-sign1.js';
import { verifyCoseSignature } from '../qr/cose-signature.js';
import { checkKeyUsage, checkValidityWindow, decodeCwtClaims, type CwtClaims } from '../qr/cwt-claims.js';
import { DEFAULT_SIGNED_QR_LIMITS } from '../qr/signed-qr-limits.js';
import { TrustList, trustEntryFromCertificate, type TrustEntry } from '../qr/trust-list.js';
import { unprefixDcc, base45ToCose } from '../qr/verify-signed-qr.js';
import { hexBytes, type DccVector, type InScopeFlag } from './dcc-vector.js';
import { parseIsoTimestamp } from './iso-time.js';
import { cborToJsonLike, jsonEquivalent } from './json-equivalence.js';

/**
 * Runs one pipeline step of the production verifier on the representation a vector gives for
 * that step. Where the vector leaves a representation out (many carry only PREFIX), it is
 * derived from the earliest one present through the same production functions.
 *
 * `undefined` = the step cannot be evaluated with what the vector holds.
 */
export interface StepOutcome {
  actual: boolean;
  /** Our reason code when the step failed (or what did not match). */
  detail: string;
}

const LIMITS = DEFAULT_SIGNED_QR_LIMITS;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type Maybe<T> = { value: T } | { error: string } | undefined;

class VectorChain {
  constructor(private readonly v: DccVector) {}

  base45(): Maybe<string> {
    if (this.v.BASE45 !== undefined) return { value: this.v.BASE45 };
    if (this.v.PREFIX === undefined) return undefined;
    const u = unprefixDcc(this.v.PREFIX);
    return u.ok ? { value: u.base45 } : { error: u.reason };
  }

  compressed(): Maybe<Uint8Array> {
    if (this.v.COMPRESSED !== undefined) {
      const b = hexBytes(this.v.COMPRESSED);
      return b ? { value: b } : { error: 'COMPRESSED is not hex' };
    }
    const b45 = this.base45();
    if (!b45 || 'error' in b45) return b45;
    const d = base45Decode(b45.value);
    return d.ok ? { value: d.bytes } : { error: `QR_BASE45_INVALID ${d.reason}` };
  }

  cose(): Maybe<Uint8Array> {
    if (this.v.COSE !== undefined) {
      const b = hexBytes(this.v.COSE);
      return b ? { value: b } : { error: 'COSE is not hex' };
    }
    const c = this.compressed();
    if (!c || 'error' in c) return c;
    const i = inflateBounded(c.value, LIMITS.maxInflatedBytes);
    return i.ok ? { value: i.bytes } : { error: `QR_${i.reason}` };
  }

  certEntry(): Maybe<TrustEntry> {
    const cert = this.v.TESTCTX?.CERTIFICATE;
    if (cert === undefined) return undefined;
    const e = trustEntryFromCertificate(cert);
    return e.ok ? { value: e.entry } : { error: e.reason };
  }

  /** The whole chain from the earliest representation: what a scanner would hand the lane. */
  fullChainCose(): Maybe<Uint8Array> {
    if (this.v.PREFIX !== undefined) {
      const u = unprefixDcc(this.v.PREFIX);
      if (!u.ok) return { error: u.reason };
      const c = base45ToCose(u.base45);
      return c.ok ? { value: c.cose } : { error: c.reason };
    }
    return this.cose();
  }
}

function claimsOf(cose: Uint8Array): { claims: CwtClaims } | { error: string } {
  const c = decodeCoseSign1(cose);
  if (!c.ok) return { error: c.reason };
  const cl = decodeCwtClaims(c.cose.payload);
  return cl.ok ? { claims: cl.claims } : { error: cl.reason };
}

const ok = (detail = 'ok'): StepOutcome => ({ actual: true, detail });
const no = (detail: string): StepOutcome => ({ actual: false, detail });

export function evaluateStep(flag: InScopeFlag, v: DccVector): StepOutcome | undefined {
  const chain = new VectorChain(v);
  switch (flag) {
    case 'EXPECTEDUNPREFIX': {
      if (v.PREFIX === undefined) return undefined;
      const u = unprefixDcc(v.PREFIX);
      if (!u.ok) return no(u.reason);
      return v.BASE45 === undefined || u.base45 === v.BASE45 ? ok() : no('unprefixed text differs from BASE45');
    }
    case 'EXPECTEDB45DECODE': {
      const b45 = chain.base45();
      if (!b45) return undefined;
      if ('error' in b45) return no(b45.error);
      const d = base45Decode(b45.value);
      if (!d.ok) return no(`QR_BASE45_INVALID ${d.reason}`);
      const expected = v.COMPRESSED !== undefined ? hexBytes(v.COMPRESSED) : undefined;
      return expected === undefined || sameBytes(d.bytes, expected) ? ok() : no('decoded bytes differ from COMPRESSED');
    }
    case 'EXPECTEDCOMPRESSION': {
      const c = chain.compressed();
      if (!c) return undefined;
      if ('error' in c) return no(c.error);
      const i = inflateBounded(c.value, LIMITS.maxInflatedBytes);
      if (!i.ok) return no(`QR_${i.reason}`);
      const expected = v.COSE !== undefined ? hexBytes(v.COSE) : undefined;
      return expected === undefined || sameBytes(i.bytes, expected) ? ok() : no('inflated bytes differ from COSE');
    }
    case 'EXPECTEDVERIFY': {
      const cose = chain.cose();
      const entry = chain.certEntry();
      if (!cose || !entry) return undefined;
      if ('error' in cose) return no(cose.error);
      if ('error' in entry) return no(entry.error);
      const c = decodeCoseSign1(cose.value);
      if (!c.ok) return no(c.reason);
      const trust = new TrustList();
      trust.add(entry.value);
      const s = verifyCoseSignature(c.cose, trust);
      return s.ok ? ok() : no(s.reason);
    }
    case 'EXPECTEDEXPIRATIONCHECK': {
      const cose = chain.cose();
      const entry = chain.certEntry();
      const clockText = v.TESTCTX?.VALIDATIONCLOCK;
      if (!cose || !entry || clockText === undefined) return undefined;
      const clock = parseIsoTimestamp(clockText);
      if (clock === undefined) return no('VALIDATIONCLOCK does not parse');
      if ('error' in cose) return no(cose.error);
      if ('error' in entry) return no(entry.error);
      const cl = claimsOf(cose.value);
      if ('error' in cl) return no(cl.error);
      const w = checkValidityWindow(cl.claims, entry.value, clock);
      return w.ok ? ok() : no(w.reason);
    }
    case 'EXPECTEDKEYUSAGE': {
      const cose = chain.cose();
      const entry = chain.certEntry();
      if (!cose || !entry) return undefined;
      if ('error' in cose) return no(cose.error);
      if ('error' in entry) return no(entry.error);
      const cl = claimsOf(cose.value);
      if ('error' in cl) return no(cl.error);
      const k = checkKeyUsage(cl.claims.hcert, entry.value);
      return k.ok ? ok() : no(k.reason);
    }
    case 'EXPECTEDDECODE': {
      const cose = chain.cose();
      if (!cose) return undefined;
      if ('error' in cose) return no(cose.error);
      const cl = claimsOf(cose.value);
      if ('error' in cl) return no(cl.error);
      if (v.CBOR === undefined) return ok();
      const raw = hexBytes(v.CBOR);
      const ref = raw ? decodeCbor(raw) : undefined;
      if (!ref || !ref.ok) return no('CBOR field does not decode');
      // Some vectors hold the whole claim set in CBOR, most only the health certificate.
      let refValue = ref.value;
      if (isCborMap(refValue) && refValue.has(-260)) {
        const h = refValue.get(-260);
        refValue = isCborMap(h ?? null) ? ((h as Map<unknown, unknown>).get(1) as typeof refValue) : refValue;
      }
      return jsonEquivalent(cborToJsonLike(cl.claims.hcert), cborToJsonLike(refValue)) ? ok() : no('payload differs from CBOR');
    }
    case 'EXPECTEDVALIDJSON': {
      if (v.JSON === undefined) return undefined;
      const cose = chain.fullChainCose();
      if (!cose) return undefined;
      if ('error' in cose) return no(cose.error);
      const cl = claimsOf(cose.value);
      if ('error' in cl) return no(cl.error);
      return jsonEquivalent(cborToJsonLike(cl.claims.hcert), v.JSON) ? ok() : no('decoded certificate differs from JSON');
    }
  }
}
