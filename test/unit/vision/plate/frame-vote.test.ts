import { describe, expect, it } from 'vitest';
import { votePlates } from '../../../../src/vision/plate/frame-vote.js';
import type { PlateRead } from '../../../../src/vision/plate/plate-read.js';
import { rectQuad } from '../../../../src/vision/plate/quad.js';

function read(compact: string, confidence: number, charConfidences?: number[]): PlateRead {
  return {
    compact,
    display: compact,
    country: 'VN',
    kind: 'vn-car',
    grammar: 'vn-car-5',
    rows: 1,
    confidence,
    charConfidences: charConfidences ?? [...compact].map(() => confidence),
    margin: 1,
    unconstrained: compact,
    quad: rectQuad(0, 0, 10, 4),
  };
}

describe('voting across frames', () => {
  it('returns nothing when no frame read a plate', () => {
    expect(votePlates([])).toBeUndefined();
    expect(votePlates([undefined, undefined])).toBeUndefined();
  });

  it('keeps the reading with most of the evidence and counts the frames', () => {
    const v = votePlates([read('51A77529', 0.9), undefined, read('51A77529', 0.8), read('51A77S29', 0.3)]);
    expect(v?.compact).toBe('51A77529');
    expect(v?.frames).toBe(4);
    expect(v?.readFrames).toBe(3);
    expect(v?.agreeing).toBe(2);
    expect(v?.composed).toBe(false);
    expect(v!.confidence).toBeGreaterThan(0.5);
    expect(v!.confidence).toBeLessThan(0.9);
  });

  it('weighs frames by confidence, not by count', () => {
    const v = votePlates([read('29A12345', 0.95), read('29A12346', 0.2), read('29A12346', 0.2)]);
    expect(v?.compact).toBe('29A12345');
  });

  it('assembles a plate no frame read whole from confident characters of each', () => {
    const hi = 0.95;
    const lo = 0.3;
    const frames = [
      read('29A12845', 0.5, [hi, hi, hi, hi, hi, lo, hi, hi]),
      read('29A12305', 0.5, [hi, hi, hi, hi, hi, hi, lo, hi]),
      read('29A72345', 0.5, [hi, hi, hi, lo, hi, hi, hi, hi]),
    ];
    const v = votePlates(frames);
    expect(v?.compact).toBe('29A12345');
    expect(v?.composed).toBe(true);
    expect(v?.display).toBe('29A-123.45');
  });

  it('does not compose a reading the grammar refuses', () => {
    // Position 3 would become a letter, which a car plate cannot hold there: keep the best frame.
    const frames = [read('29A12345', 0.5, [1, 1, 1, 0.1, 1, 1, 1, 1]), read('29AB2345', 0.4, [1, 1, 1, 0.9, 1, 1, 1, 1]), read('29AC2345', 0.3)];
    frames[1]!.grammar = 'vn-car-5';
    frames[2]!.grammar = 'vn-car-5';
    const v = votePlates(frames);
    expect(v?.compact).toBe('29A12345');
    expect(v?.composed).toBe(false);
  });
});
