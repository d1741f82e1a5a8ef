import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CborTagged, type CborValue } from '../../../src/credentials/qr/cbor/cbor-value.js';
import { decodeCbor } from '../../../src/credentials/qr/cbor/strict-decode.js';

function hex(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
}

/** Our Map-based values as plain JSON, to compare with cbor-x's objects. */
function plain(v: CborValue): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof CborTagged) return { tag: v.tag, value: plain(v.value) };
  return v;
}

describe('strict CBOR decoder', () => {
  // Appendix A of RFC 8949.
  it.each([
    ['00', 0],
    ['17', 23],
    ['1818', 24],
    ['1903e8', 1000],
    ['1b000000e8d4a51000', 1_000_000_000_000],
    ['1bffffffffffffffff', 18446744073709551615n],
    ['3bffffffffffffffff', -18446744073709551616n],
    ['20', -1],
    ['3903e7', -1000],
    ['f90000', 0],
    ['f93c00', 1],
    ['f97bff', 65504],
    ['fa47c35000', 100000],
    ['fb3ff199999999999a', 1.1],
    ['f4', false],
    ['f5', true],
    ['f6', null],
    ['f7', undefined],
    ['6161', 'a'],
    ['62c3bc', '\u00fc'],
    ['7f657374726561646d696e67ff', 'streaming'],
  ] as [string, unknown][])('decodes %s', (h, expected) => {
    const r = decodeCbor(hex(h));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toStrictEqual(expected);
  });

  it('decodes definite and indefinite arrays and maps, and keeps tags as data', () => {
    const r = decodeCbor(hex('bf61610161629f0203ffff'));
    expect(r.ok && plain(r.value)).toStrictEqual({ a: 1, b: [2, 3] });
    const t = decodeCbor(hex('c074323031332d30332d32315432303a30343a30305a'));
    expect(t.ok && t.value).toStrictEqual(new CborTagged(0, '2013-03-21T20:04:00Z'));
  });

  it('refuses truncated items without allocating the declared size', () => {
    // A byte string that claims 4 GiB, and an array that claims 2^32 items.
    expect(decodeCbor(hex('5affffffff00'))).toMatchObject({ ok: false, reason: 'CBOR_TRUNCATED' });
    expect(decodeCbor(hex('9affffffff'))).toMatchObject({ ok: false, reason: 'CBOR_TRUNCATED' });
    expect(decodeCbor(hex('bb7fffffffffffffff'))).toMatchObject({ ok: false, reason: 'CBOR_TRUNCATED' });
    expect(decodeCbor(hex('83 01 02'))).toMatchObject({ ok: false, reason: 'CBOR_TRUNCATED' });
    expect(decodeCbor(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'CBOR_TRUNCATED' });
  });

  it('stops at the nesting and item limits', () => {
    const deep = new Uint8Array(10_000).fill(0x81);
    expect(decodeCbor(deep)).toMatchObject({ ok: false, reason: 'CBOR_TOO_DEEP' });
    const wide = new Uint8Array([0x9f, ...new Uint8Array(50_000), 0xff]);
    expect(decodeCbor(wide)).toMatchObject({ ok: false, reason: 'CBOR_TOO_MANY_ITEMS' });
    expect(decodeCbor(wide, { maxDepth: 4, maxItems: 100_000 }).ok).toBe(true);
  });

  it('refuses trailing bytes, invalid UTF-8, duplicate keys, odd keys and reserved codes', () => {
    expect(decodeCbor(hex('0000'))).toMatchObject({ ok: false, reason: 'CBOR_TRAILING_BYTES' });
    expect(decodeCbor(hex('62c328'))).toMatchObject({ ok: false, reason: 'CBOR_INVALID_UTF8' });
    expect(decodeCbor(hex('a2 01 02 01 03'))).toMatchObject({ ok: false, reason: 'CBOR_DUPLICATE_KEY' });
    expect(decodeCbor(hex('a1 f6 01'))).toMatchObject({ ok: false, reason: 'CBOR_UNSUPPORTED' });
    expect(decodeCbor(hex('1c'))).toMatchObject({ ok: false, reason: 'CBOR_MALFORMED' });
    expect(decodeCbor(hex('ff'))).toMatchObject({ ok: false, reason: 'CBOR_MALFORMED' });
    expect(decodeCbor(hex('5f 61 61 ff'))).toMatchObject({ ok: false, reason: 'CBOR_MALFORMED' });
    expect(decodeCbor(hex('f8 20'))).toMatchObject({ ok: false, reason: 'CBOR_UNSUPPORTED' });
  });

  it('agrees with cbor-x on everything cbor-x encodes from JSON values', () => {
    const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false });
    fc.assert(
      // cbor-x renames a `__proto__` key on decoding (its own guard), so such keys are left out.
      fc.property(fc.jsonValue({ maxDepth: 5 }).filter((v) => !JSON.stringify(v).includes('"__proto__"')), (value) => {
        const bytes = encoder.encode(value);
        const ours = decodeCbor(new Uint8Array(bytes));
        if (!ours.ok) return false;
        expect(plain(ours.value)).toStrictEqual(encoder.decode(bytes));
        return true;
      }),
      { numRuns: 3_000 },
    );
  });
});
