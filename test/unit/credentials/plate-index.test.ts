import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plateDistance } from '../../../src/credentials/plates/ocr-confusions.js';
import { PlateIndex } from '../../../src/credentials/plates/plate-index.js';
import { plateQueryKey } from '../../../src/credentials/plates/plate-text.js';

describe('OCR-aware plate distance', () => {
  it('charges less for look-alikes than for other edits, and stops at the bound', () => {
    expect(plateDistance('51A77529', '51A77529', 1)).toBe(0);
    expect(plateDistance('51A77S29', '51A77529', 1)).toBe(0.25);
    expect(plateDistance('5IA7752B', '51A77528', 1)).toBe(0.5);
    expect(plateDistance('51A77629', '51A77529', 1)).toBe(1);
    expect(plateDistance('51A7752', '51A77529', 1)).toBe(1);
    expect(plateDistance('51A77628', '51A77529', 1)).toBe(Number.POSITIVE_INFINITY);
    expect(plateDistance('0ODQ', 'QDO0', 1)).toBe(1);
    expect(plateDistance('京A12345', '京A12345', 0)).toBe(0);
  });
});

describe('PlateIndex', () => {
  it('finds a plate from a misread, closest first', () => {
    const index = new PlateIndex();
    index.add('a', '51A-775.29');
    index.add('b', '51A-776.29');
    index.add('c', '29A-123.45');
    index.add('d', '京A·12345');
    expect(index.match('51A-77S.29')).toEqual([
      { id: 'a', compact: '51A77529', distance: 0.25 },
      { id: 'b', compact: '51A77629', distance: 1 },
    ]);
    expect(index.match('51A 775 29', 1)).toEqual([{ id: 'a', compact: '51A77529', distance: 0 }]);
    expect(index.match('京A1Z345')).toEqual([{ id: 'd', compact: '京A12345', distance: 0.25 }]);
    expect(index.match('99Z-999.99')).toEqual([]);
    expect(index.match('')).toEqual([]);
  });

  it('forgets removed and replaced plates', () => {
    const index = new PlateIndex();
    index.add('a', '51A-775.29');
    index.add('a', '29A-123.45');
    expect(index.size).toBe(1);
    expect(index.match('51A-775.29')).toEqual([]);
    expect(index.match('29A-123.45').map((m) => m.id)).toEqual(['a']);
    index.remove('a');
    expect(index.size).toBe(0);
    expect(index.match('29A-123.45')).toEqual([]);
  });

  it('returns exactly what a full scan with the same distance returns', () => {
    const plateChars = fc.constantFrom(...'0123456789ABDGHKLMNPQSZ18OI'.split(''));
    const plate = fc.array(plateChars, { minLength: 5, maxLength: 9 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(plate, { minLength: 1, maxLength: 60 }), plate, fc.constantFrom(0, 0.5, 1, 1.5), (plates, query, max) => {
        const index = new PlateIndex({ maxDistance: max });
        plates.forEach((p, i) => index.add(String(i), p));
        const q = plateQueryKey(query);
        const expected = plates
          .map((p, i) => ({ id: String(i), compact: p, distance: plateDistance(q, p, max) }))
          .filter((m) => m.distance <= max)
          .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        expect(index.match(query, 1_000)).toEqual(expected);
      }),
      { numRuns: 3_000 },
    );
  });
});
