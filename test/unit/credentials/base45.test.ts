import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base45Decode, base45Encode } from '../../../src/credentials/qr/base45.js';

// Examples from RFC 9285 section 4.
const RFC_EXAMPLES: [string, string][] = [
  ['AB', 'BB8'],
  ['Hello!!', '%69 VD92EX0'],
  ['base-45', 'UJCLQE7W581'],
  ['ietf!', 'QED8WEX0'],
];

describe('base45', () => {
  it.each(RFC_EXAMPLES)('encodes and decodes the RFC 9285 example %s', (text, encoded) => {
    expect(base45Encode(new TextEncoder().encode(text))).toBe(encoded);
    const d = base45Decode(encoded);
    expect(d.ok && new TextDecoder().decode(d.bytes)).toBe(text);
  });

  it('refuses characters outside the alphabet with their position', () => {
    expect(base45Decode('BB8aB')).toMatchObject({ ok: false, reason: 'BASE45_BAD_CHARACTER', detail: expect.stringContaining('position 3') });
    expect(base45Decode('BB8é0')).toMatchObject({ ok: false, reason: 'BASE45_BAD_CHARACTER' });
  });

  it('refuses a single trailing character', () => {
    expect(base45Decode('BB8B')).toMatchObject({ ok: false, reason: 'BASE45_BAD_LENGTH' });
  });

  it('refuses groups above 65535 and pairs above 255 (RFC 9285 section 6)', () => {
    // GGW = 16 + 16*45 + 32*45^2 = 65536
    expect(base45Decode('GGW')).toMatchObject({ ok: false, reason: 'BASE45_VALUE_OVERFLOW' });
    // :: = 44 + 44*45 = 2024 > 255
    expect(base45Decode('::')).toMatchObject({ ok: false, reason: 'BASE45_VALUE_OVERFLOW' });
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const d = base45Decode(base45Encode(bytes));
        return d.ok && Buffer.from(d.bytes).equals(Buffer.from(bytes));
      }),
      { numRuns: 2_000 },
    );
  });
});
