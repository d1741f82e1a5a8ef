/**
 * The few CBOR encodings the verifier needs: the COSE Sig_structure is re-encoded from the
 * received bytes (RFC 9052 section 4.4), and tests build credentials with the same helpers.
 */
export function encodeHead(major: number, length: number): Uint8Array {
  const m = major << 5;
  if (length < 24) return Uint8Array.of(m | length);
  if (length < 0x100) return Uint8Array.of(m | 24, length);
  if (length < 0x10000) return Uint8Array.of(m | 25, length >> 8, length & 0xff);
  if (length < 0x100000000) return Uint8Array.of(m | 26, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  throw new RangeError('length too large for this encoder');
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function encodeBytes(b: Uint8Array): Uint8Array {
  return concatBytes([encodeHead(2, b.length), b]);
}

export function encodeText(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  return concatBytes([encodeHead(3, b.length), b]);
}

/** Sig_structure for COSE_Sign1: ["Signature1", body_protected, external_aad, payload]. */
export function sign1SigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes([encodeHead(4, 4), encodeText('Signature1'), encodeBytes(protectedBytes), encodeBytes(externalAad), encodeBytes(payload)]);
}
