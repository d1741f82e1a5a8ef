import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalisePlate, normalisePlateForHash } from '../../../src/credentials/plates/canonical-plate.js';
import { fixtureFolder } from './helpers/fixtures-dir.js';

describe('plate canonical forms', () => {
  it.each([
    ['29A-123.45', 'vn-car', '29A-123.45'],
    ['29a 12345', 'vn-car', '29A-123.45'],
    ['29A\n123.45', 'vn-car', '29A-123.45'],
    ['29A-1234', 'vn-car', '29A-1234'],
    ['29LD-123.45', 'vn-car', '29LD-123.45'],
    ['29-A1 123.45', 'vn-motorbike', '29-A1 123.45'],
    ['29-A1|123.45', 'vn-motorbike', '29-A1 123.45'],
    ['30-N5\n9999', 'vn-motorbike', '30-N5 9999'],
    ['29-AA 123.45', 'vn-motorbike', '29-AA 123.45'],
    ['80-011-NG-01', 'vn-diplomatic', '80-011-NG-01'],
    ['80 011 QT 02', 'vn-diplomatic', '80-011-QT-02'],
    ['TM-12-34', 'vn-military', 'TM-12-34'],
    ['29Đ-123.45', 'vn-car', '29D-123.45'],
    ['京A12345', 'cn-standard', '京A·12345'],
    ['桂P·12345', 'cn-standard', '桂P·12345'],
    ['粤B 7S63A', 'cn-standard', '粤B·7S63A'],
    ['京AD12345', 'cn-new-energy', '京A·D12345'],
    ['京ADA1234', 'cn-new-energy', '京A·DA1234'],
    ['粤B12345D', 'cn-new-energy', '粤B·12345D'],
    ['粤Z1234港', 'cn-special', '粤Z·1234港'],
    ['粤Z·A123澳', 'cn-special', '粤Z·A123澳'],
    ['沪A1234挂', 'cn-special', '沪A·1234挂'],
    ['京A1234学', 'cn-special', '京A·1234学'],
    ['京A0001警', 'cn-special', '京A·0001警'],
    ['Ｂ京Ａ１２３４５'.slice(1), 'cn-standard', '京A·12345'],
  ])('%s -> %s %s', (input, kind, display) => {
    expect(canonicalisePlate(input)).toMatchObject({ ok: true, kind, display });
  });

  it('uses the layout to choose between grammars with the same characters, car first when none is given', () => {
    expect(canonicalisePlate('30N-599.99')).toMatchObject({ grammar: 'vn-car-5', alternatives: ['30-N5 9999'] });
    expect(canonicalisePlate('30-N5 9999')).toMatchObject({ grammar: 'vn-motorbike-4', alternatives: ['30N-599.99'] });
    expect(canonicalisePlate('30N59999')).toMatchObject({ grammar: 'vn-car-5' });
    // Same compact identity either way: hashing does not depend on the layout guess.
    expect(normalisePlateForHash('30-N5 9999')).toBe(normalisePlateForHash('30N-599.99'));
  });

  it('repairs OCR look-alikes only when asked, only where one reading fits', () => {
    expect(canonicalisePlate('51A-77S.29')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('51A-77S.29', { repairOcr: true })).toMatchObject({ ok: true, display: '51A-775.29', repairs: 1 });
    expect(canonicalisePlate('5IA-B75.29', { repairOcr: true })).toMatchObject({ ok: true, display: '51A-875.29', repairs: 2 });
    expect(canonicalisePlate('S1A-B7S.Z9', { repairOcr: true })).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    // Series letter read as 8: B is the only letter in its group.
    expect(canonicalisePlate('298-123.45', { repairOcr: true })).toMatchObject({ ok: true, display: '29B-123.45' });
  });

  it('refuses plates in no known grammar with a reason', () => {
    expect(canonicalisePlate('')).toMatchObject({ ok: false, reason: 'PLATE_EMPTY' });
    expect(canonicalisePlate('-- ..')).toMatchObject({ ok: false, reason: 'PLATE_EMPTY' });
    expect(canonicalisePlate('X'.repeat(40))).toMatchObject({ ok: false, reason: 'PLATE_TOO_LONG' });
    expect(canonicalisePlate('29A-123#45')).toMatchObject({ ok: false, reason: 'PLATE_BAD_CHARACTERS' });
    expect(canonicalisePlate('东A12345')).toMatchObject({ ok: false, reason: 'PLATE_BAD_CHARACTERS' });
    expect(canonicalisePlate('10A-123.45')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('29I-123.45')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('29AW-123.45')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('80-011-XX-01')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('京I12345')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('京A12O45')).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR' });
    expect(canonicalisePlate('京A12345', { country: 'VN' })).toMatchObject({ ok: false, reason: 'PLATE_NO_GRAMMAR', detail: expect.stringContaining('VN') });
  });
});

const platesDir = fixtureFolder('plates');

describe.skipIf(!platesDir)('plate labels (shared/fixtures/plates)', () => {
  const CATEGORY: Record<string, string[]> = {
    car_1row: ['vn-car-5'],
    car_2row: ['vn-car-5'],
    moto_2row_4digit: ['vn-motorbike-4'],
    moto_2row_5digit: ['vn-motorbike-5'],
    blue_or_other_7char: ['cn-standard', 'cn-new-energy-small', 'cn-new-energy-large', 'cn-suffix'],
  };

  it('accepts every labelled plate, in its label form and as two rows, with the labelled characters and category', () => {
    const [header, ...rows] = readFileSync(join(platesDir!, 'labels.tsv'), 'utf8').trim().split('\n');
    const cols = header!.split('\t');
    let checked = 0;
    for (const row of rows) {
      const r = Object.fromEntries(row.split('\t').map((c, i) => [cols[i], c])) as Record<string, string>;
      const inputs = [r.plate_text!, r.row2 ? `${r.row1}\n${r.row2}` : r.row1!];
      for (const input of inputs) {
        const p = canonicalisePlate(input);
        expect(p.ok ? [p.compact, CATEGORY[r.category!]?.includes(p.grammar)] : [input, p.reason]).toEqual([r.plate_compact, true]);
        checked++;
      }
    }
    expect(checked).toBe(rows.length * 2);
  });
});
