import { describe, expect, it } from 'vitest';
import { lineCandidates } from '../../../../src/vision/plate/plate-decode.js';
import { twoRowLayouts } from '../../../../src/vision/plate/plate-layouts.js';
import { MISSING_PENALTY, voteVariants } from '../../../../src/vision/plate/variant-vote.js';
import { spellRows } from './plate-test-helpers.js';

// A motorbike top row `59-C1` whose last character the recogniser sees as 1 or 7.
const oneOrSeven = (p1: number, p7: number): ReturnType<typeof spellRows> => {
  const m = spellRows('59C1', '30923');
  // Steps of the 4th top-row character: spell() puts 2 steps per character after one blank.
  const data = Float32Array.from(m.data);
  const col1 = m.alphabet.columnOf.get('1')!;
  const col7 = m.alphabet.columnOf.get('7')!;
  for (const t of [10, 11]) {
    const row = t * m.columns;
    data.fill(0, row, row + m.columns);
    data[row + col1] = p1;
    data[row + col7] = p7;
    data[row] = 1 - p1 - p7;
  }
  return { ...m, data };
};

describe('voting test-time variants', () => {
  it('follows the majority of the evidence, not the first reading', () => {
    const layouts = twoRowLayouts('VN');
    const lists = [oneOrSeven(0.43, 0.53), oneOrSeven(0.6, 0.35), oneOrSeven(0.55, 0.4)].map((m) => lineCandidates(m, layouts));
    expect(lists[0]![0]!.chars.join('')).toBe('59C730923');
    const voted = voteVariants(lists);
    expect(voted?.compact).toBe('59C130923');
    expect(voted?.display).toBe('59-C1 309.23');
    expect(voted?.rows).toBe(2);
    // Confidence and margin are per variant on average: 1 and 7 are close, so the margin is small.
    expect(voted!.confidence).toBeGreaterThan(0);
    expect(voted!.confidence).toBeLessThan(1);
    expect(voted!.margin).toBeGreaterThan(0);
    expect(voted!.margin).toBeLessThan(1);
    expect(voted!.charConfidences).toHaveLength(9);
  });

  it('is the plain decoding for a single list, and undefined when no variant read a plate', () => {
    const list = lineCandidates(oneOrSeven(0.2, 0.75), twoRowLayouts('VN'));
    const one = voteVariants([list]);
    expect(one?.compact).toBe('59C730923');
    expect(one!.logProb).toBeCloseTo(list[0]!.logProb, 9);
    expect(one!.margin).toBeCloseTo(list[0]!.logProb - list[1]!.logProb, 9);
    expect(voteVariants([])).toBeUndefined();
    expect(voteVariants([[], []])).toBeUndefined();
    // An empty list (that variant read no plate) neither votes nor penalises.
    expect(voteVariants([[], list])?.compact).toBe('59C730923');
  });

  it('charges a reading missing from a variant below everything that variant kept', () => {
    const a = lineCandidates(oneOrSeven(0.43, 0.53), twoRowLayouts('VN')).slice(0, 1); // only 59C7...
    const b = lineCandidates(oneOrSeven(0.6, 0.35), twoRowLayouts('VN'));
    const voted = voteVariants([a, b])!;
    const b1 = b.find((c) => c.chars.join('') === '59C130923')!.logProb;
    const b7 = b.find((c) => c.chars.join('') === '59C730923')!.logProb;
    const a7 = a[0]!.logProb;
    const score1 = (a7 - MISSING_PENALTY + b1) / 2;
    const score7 = (a7 + b7) / 2;
    expect(voted.compact).toBe(score1 > score7 ? '59C130923' : '59C730923');
    expect(voted.logProb).toBeCloseTo(Math.max(score1, score7), 9);
  });
});
