import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '../../../src/store/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('writes -0 as 0, escapes strings like JSON and drops undefined members', () => {
    expect(canonicalJson({ n: -0, s: 'a"b\\c\n\u2028', u: undefined })).toBe('{"n":0,"s":"a\\"b\\\\c\\n\u2028"}');
  });

  it('refuses values whose text would depend on the caller, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]: number is not finite/);
    expect(() => canonicalJson({ a: Infinity })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/\$\.when: Date is not a plain object/);
    expect(() => canonicalJson([undefined])).toThrow(/undefined in an array/);
    expect(() => canonicalJson({ big: 1n })).toThrow(/bigint is not JSON/);
  });

  it('is independent of key insertion order and stable through a JSON round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        const shuffled = JSON.parse(JSON.stringify(value), function (this: unknown, _k, v: unknown) {
          if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
          return Object.fromEntries(Object.entries(v as Record<string, unknown>).reverse());
        }) as unknown;
        expect(canonicalJson(shuffled)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});
