import fc from 'fast-check';

/**
 * Byte and text mutations for property tests: flip a bit, overwrite, insert, delete, truncate,
 * duplicate a slice. Applied 1-4 times, so most mutants stay close to the valid input and
 * travel deep into the parser before something breaks.
 */
type ByteMutation = (b: Uint8Array) => Uint8Array;

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([at, bit]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const out = b.slice();
    out[at % b.length]! ^= 1 << bit;
    return out;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, v]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const out = b.slice();
    out[at % b.length] = v;
    return out;
  }),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, ins]): ByteMutation => (b) => {
    const i = b.length === 0 ? 0 : at % (b.length + 1);
    return new Uint8Array([...b.subarray(0, i), ...ins, ...b.subarray(i)]);
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 16 })).map(([at, n]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const i = at % b.length;
    return new Uint8Array([...b.subarray(0, i), ...b.subarray(i + n)]);
  }),
  fc.nat().map((at): ByteMutation => (b) => b.subarray(0, b.length === 0 ? 0 : at % b.length)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 32 })).map(([at, n]): ByteMutation => (b) => {
    if (b.length === 0) return b;
    const i = at % b.length;
    return new Uint8Array([...b.subarray(0, i + n), ...b.subarray(i)]);
  }),
);

export const byteMutations: fc.Arbitrary<ByteMutation> = fc.array(byteMutation, { minLength: 1, maxLength: 4 }).map((ms) => (b) => ms.reduce((acc, m) => m(acc), b));

/** The same operations on text, character by character (code points). */
export function mutateText(alphabet: fc.Arbitrary<string>): fc.Arbitrary<(s: string) => string> {
  const one = fc.oneof(
    fc.tuple(fc.nat(), alphabet).map(([at, c]) => (s: string) => {
      const a = [...s];
      if (a.length === 0) return c;
      a[at % a.length] = c;
      return a.join('');
    }),
    fc.tuple(fc.nat(), alphabet).map(([at, c]) => (s: string) => {
      const a = [...s];
      a.splice(a.length === 0 ? 0 : at % (a.length + 1), 0, c);
      return a.join('');
    }),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 })).map(([at, n]) => (s: string) => {
      const a = [...s];
      if (a.length === 0) return s;
      a.splice(at % a.length, n);
      return a.join('');
    }),
    fc.nat().map((at) => (s: string) => {
      const a = [...s];
      return a.slice(0, a.length === 0 ? 0 : at % a.length).join('');
    }),
  );
  return fc.array(one, { minLength: 1, maxLength: 4 }).map((ms) => (s: string) => ms.reduce((acc, m) => m(acc), s));
}

/** Runs per parser demanded by the issue. */
export const PROPERTY_RUNS = 100_000;
