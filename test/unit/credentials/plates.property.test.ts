import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalisePlate, PLATE_GRAMMARS, type PlateReason } from '../../../src/credentials/plates/canonical-plate.js';
import { slotsMatch } from '../../../src/credentials/plates/plate-grammar.js';
import { PlateIndex } from '../../../src/credentials/plates/plate-index.js';
import { mutateText, PROPERTY_RUNS } from './helpers/mutate.js';

const REASONS = new Set<PlateReason>(['PLATE_EMPTY', 'PLATE_TOO_LONG', 'PLATE_BAD_CHARACTERS', 'PLATE_NO_GRAMMAR']);
const PLATE_CHARS = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', '京', '粤', '桂', '港', '警', '-', '.', ' ', '\n', '·', 'Đ', '#', '东', 'ａ');
const VALID = ['29A-123.45', '29-A1 123.45', '30-N5 9999', '80-011-NG-01', 'TM-12-34', '京A·12345', '京A·D12345', '粤B·12345D', '粤Z·1234港', '29LD-123.45', '29A-1234'];

const index = new PlateIndex();
VALID.forEach((p, i) => index.add(String(i), p));

const inputs = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: PLATE_CHARS, maxLength: 14 }),
  fc.tuple(fc.constantFrom(...VALID), mutateText(PLATE_CHARS)).map(([v, m]) => m(v)),
  // Strings that fit a grammar's slots exactly, to exercise the accept path at volume.
  fc.constantFrom(...PLATE_GRAMMARS).chain((g) => fc.tuple(...g.slots.map((s) => fc.constantFrom(...s))).map((cs) => cs.join(''))),
);

describe('plate canonicalisation and fuzzy match under generated and mutated text', () => {
  it(`never throw, and every accepted plate is a fixed point of its canonical form (${PROPERTY_RUNS} runs)`, () => {
    let accepted = 0;
    fc.assert(
      fc.property(inputs, fc.boolean(), (text, repairOcr) => {
        const r = canonicalisePlate(text, { repairOcr });
        if (r.ok) {
          accepted++;
          const grammar = PLATE_GRAMMARS.find((g) => g.id === r.grammar)!;
          expect(slotsMatch(grammar, r.compact)).toBe(true);
          // The printed form reads back to the same plate and grammar.
          expect(canonicalisePlate(r.display)).toMatchObject({ ok: true, compact: r.compact, grammar: r.grammar, display: r.display });
        } else {
          expect(REASONS.has(r.reason)).toBe(true);
        }
        for (const m of index.match(text)) expect(m.distance).toBeLessThanOrEqual(index.maxDistance);
      }),
      { numRuns: PROPERTY_RUNS },
    );
    expect(accepted).toBeGreaterThan(10_000);
  }, 180_000);
});
