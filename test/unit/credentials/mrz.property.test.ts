import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMrz, type MrzReason } from '../../../src/credentials/mrz/parse-mrz.js';
import { mutateText, PROPERTY_RUNS } from './helpers/mutate.js';

const REASONS: ReadonlySet<MrzReason> = new Set<MrzReason>(['MRZ_NOT_UTF8', 'MRZ_TOO_LONG', 'MRZ_EMPTY', 'MRZ_LINE_COUNT', 'MRZ_LINE_LENGTH', 'MRZ_BAD_CHARACTERS', 'MRZ_UNREADABLE']);
const VALID = [
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10',
  'IDCHEA1234567<6<<<<<<<<<<<<<<<\n7510256M2009018CHE<<<<<<<<<<<8\nSMITH<<JOHN<ALBERT<<<<<<<<<<<<',
  'I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6',
  'IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02\n1710GVA123451ROBERTA<<<<<<<9112311F2',
  'D1FRA13AA000026181231MARTIN<<9',
  'AAA001D<<\nFACHE305142128097<<800126<<<<<\nMARCHAND<<FABIENNE<<<<<<<<<<<<',
];
const MRZ_CHARS = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<<<<', '\n', '\r', ' ', '_', '?', 'é', '中', '\u0000');

const inputs = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.array(fc.string({ unit: MRZ_CHARS, maxLength: 50 }), { maxLength: 5 }),
  fc.tuple(fc.constantFrom(...VALID), mutateText(MRZ_CHARS)).map(([v, m]) => m(v)),
  fc.tuple(fc.constantFrom(...VALID), fc.integer({ min: 0, max: 0x10ffff })).map(([v, cp]) => v.replace('<', String.fromCodePoint(cp))),
  fc.uint8Array({ maxLength: 120 }),
  fc.constantFrom(...VALID).map((v) => new TextEncoder().encode(v)),
  fc.string({ unit: MRZ_CHARS, maxLength: 700 }),
);

describe('MRZ parser under generated and mutated input', () => {
  it(`never throws and always names a known reason (${PROPERTY_RUNS} runs)`, () => {
    let parsed = 0;
    fc.assert(
      fc.property(inputs, fc.boolean(), (input, autocorrect) => {
        const r = parseMrz(input, { autocorrect });
        if (r.ok) {
          parsed++;
          expect(typeof r.valid).toBe('boolean');
          // Every problem carries one of the documented field codes.
          for (const f of r.invalidFields) expect(['MRZ_CHECK_DIGIT', 'MRZ_UNKNOWN_STATE', 'MRZ_INVALID_DATE', 'MRZ_IMPOSSIBLE_DATE', 'MRZ_FIELD_INVALID']).toContain(f.code);
          if (r.invalidFields.length > 0) expect(r.valid).toBe(false);
        } else {
          expect(REASONS.has(r.reason)).toBe(true);
          expect(r.detail.length).toBeLessThan(200);
        }
      }),
      { numRuns: PROPERTY_RUNS },
    );
    expect(parsed).toBeGreaterThan(1_000);
  }, 180_000);
});
