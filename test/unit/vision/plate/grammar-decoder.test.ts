import { describe, expect, it } from 'vitest';
import { slotsMatch } from '../../../../src/credentials/plates/plate-grammar.js';
import { PLATE_GRAMMARS } from '../../../../src/credentials/plates/canonical-plate.js';
import { greedyReading, matrixFromRows } from '../../../../src/vision/plate/ctc-matrix.js';
import { decodeWithTracks } from '../../../../src/vision/plate/grammar-decoder.js';
import { decodeLine, decodePlate } from '../../../../src/vision/plate/plate-decode.js';
import { twoRowLayouts } from '../../../../src/vision/plate/plate-layouts.js';
import { spell, spellRows } from './plate-test-helpers.js';

const validAnywhere = (compact: string): boolean => PLATE_GRAMMARS.some((g) => slotsMatch(g, compact));

describe('grammar-constrained CTC decoding', () => {
  it('picks a valid plate over a higher-scoring invalid reading', () => {
    // The 5th character looks more like X than 7 to the recogniser; a car plate needs a digit there.
    const m = spell('51A77529', { 4: { X: 0.6, '7': 0.3 } });
    const greedy = greedyReading(m);
    expect(greedy.text).toBe('51A7X529');
    expect(validAnywhere(greedy.text)).toBe(false);
    const read = decodePlate([m]);
    expect(read?.compact).toBe('51A77529');
    expect(read?.display).toBe('51A-775.29');
    expect(read?.grammar).toBe('vn-car-5');
    // The constrained reading is less probable than the invalid best path, yet it is the answer.
    expect(read!.logProb).toBeLessThan(greedy.logProb);
    expect(read!.charConfidences[4]).toBeCloseTo(0.3, 5);
  });

  it('lends a look-alike that a slot cannot hold to the glyph it can (O read in a digit slot)', () => {
    const m = spell('29A12345', { 5: { O: 0.7, D: 0.1, '0': 0.15 } });
    const read = decodePlate([m], { country: 'VN' });
    expect(read?.compact).toBe('29A12045');
    // 0 collects its own 0.15 and O's 0.7 (D is a letter a car's digit slot cannot hold either).
    expect(read!.charConfidences[5]).toBeGreaterThan(0.8);
  });

  it('places a province character the recogniser barely saw rather than inventing another plate', () => {
    const m = spell('皖AQK728', { 0: { 皖: 0.004, 苏: 0.001 } });
    expect(greedyReading(m).text).toBe('AQK728');
    const read = decodePlate([m], { country: 'CN' });
    expect(read?.compact).toBe('皖AQK728');
    expect(read?.country).toBe('CN');
    expect(read!.charConfidences[0]).toBeLessThan(0.01);
    expect(read!.confidence).toBeLessThan(0.05);
  });

  it('needs a blank between repeated glyphs (9999 is not 9)', () => {
    const read = decodeLine(spellRows('30N5', '9999'), twoRowLayouts('VN'));
    expect(read?.compact).toBe('30N59999');
  });

  it('tells layouts with the same characters apart by where the joined rows meet', () => {
    // 30-N5 / 9999 (old motorbike) and 30N / 599.99 (square car plate) share every character.
    const moto = decodeLine(spellRows('30N5', '9999'), twoRowLayouts('VN'));
    expect(moto?.grammar).toBe('vn-motorbike-4');
    expect(moto?.display).toBe('30-N5 9999');
    const car = decodeLine(spellRows('30N', '59999'), twoRowLayouts('VN'));
    expect(car?.grammar).toBe('vn-car-5');
    expect(car?.display).toBe('30N-599.99');
  });

  it('applies whole-plate rules after the slots (province 10 does not exist in Vietnam)', () => {
    const m = spell('10A12345', { 1: { '0': 0.6, '6': 0.35 } });
    const read = decodePlate([m], { country: 'VN' });
    expect(read?.compact).toBe('16A12345');
  });

  it('returns nothing when no grammar fits at all', () => {
    expect(decodePlate([spell('HELLO')])).toBeUndefined();
    expect(decodePlate([matrixFromRows([{}, {}, {}])])).toBeUndefined();
  });

  it('reports a small margin when two valid plates are nearly as likely', () => {
    const m = spell('29A12345', { 7: { '5': 0.5, '6': 0.45 } });
    const read = decodePlate([m], { country: 'VN' });
    expect(read?.compact).toBe('29A12345');
    expect(read!.margin).toBeGreaterThan(0);
    expect(read!.margin).toBeLessThan(0.2);
  });

  it('decodes two rows recognised separately with the row split of each layout', () => {
    const read = decodePlate([spell('59X2'), spell('62721')], { country: 'VN' });
    expect(read?.compact).toBe('59X262721');
    expect(read?.rows).toBe(2);
    expect(read?.display).toBe('59-X2 627.21');
    const car = decodePlate([spell('30G'), spell('36644')], { country: 'VN' });
    expect(car?.grammar).toBe('vn-car-5');
    expect(car?.display).toBe('30G-366.44');
    const truck = decodePlate([spell('桂A'), spell('1234挂')]);
    expect(truck?.compact).toBe('桂A1234挂');
    expect(truck?.country).toBe('CN');
  });

  it('searches several tracks at once and says which ones a reading completes', () => {
    const out = decodeWithTracks(spell('123'), [{ slots: ['1', '2', '3'] }, { slots: ['1', '2'] }, { slots: ['1', '2', '3'] }]);
    expect(out[0]?.text).toBe('123');
    expect(out[0]?.tracks).toEqual([0, 2]);
  });
});
