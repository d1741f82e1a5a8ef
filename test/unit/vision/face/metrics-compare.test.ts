import { describe, expect, it } from 'vitest';
import { searchWatchlist, verify } from '../../../../src/vision/face/compare.js';
import { cosine, l2normalise } from '../../../../src/vision/face/embedder.js';
import { ratesAt, verificationMetrics } from '../../../../src/vision/face/eval/metrics.js';

describe('verification metrics', () => {
  it('gives EER 0 and full TAR when the classes separate', () => {
    const m = verificationMetrics([0.9, 0.8, 0.85], [0.1, 0.2, 0.3, 0.4]);
    expect(m.eer).toBe(0);
    expect(m.tarAtZeroFar.tar).toBe(1);
    expect(m.tarAtZeroFar.threshold).toBeGreaterThan(0.4);
    expect(m.tarAtFar.every((t) => t.tar === 1)).toBe(true);
  });

  it('computes EER, TAR at FAR and at zero false accepts on overlapping scores', () => {
    // 10 genuine, 10 impostor; one impostor (0.75) above two genuine scores.
    const genuine = [0.95, 0.9, 0.88, 0.86, 0.84, 0.82, 0.8, 0.78, 0.7, 0.65];
    const impostor = [0.75, 0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1];
    const m = verificationMetrics(genuine, impostor, [1e-1, 1e-2]);
    expect(m.eer).toBeCloseTo(0.1, 10); // at t=0.7: FAR 1/10 (0.75 accepted), FRR 1/10 (0.65 rejected)
    expect(m.tarAtFar[0]!).toMatchObject({ far: 0.1, tar: 1, falseAccepts: 1 });
    expect(m.tarAtFar[1]!).toMatchObject({ far: 0.01, tar: 0.8, falseAccepts: 0 });
    expect(m.tarAtZeroFar.tar).toBe(0.8);
    expect(ratesAt(genuine, impostor, 0.76)).toEqual({ tar: 0.8, far: 0, falseAccepts: 0, falseRejects: 2 });
  });

  it('refuses empty classes', () => {
    expect(() => verificationMetrics([], [0.1])).toThrow(/at least one genuine and one impostor/);
  });
});

describe('1:1 and 1:N comparison', () => {
  const a = l2normalise(Float32Array.from([1, 2, 3]));
  const b = l2normalise(Float32Array.from([1, 2, 3.3]));
  const c = l2normalise(Float32Array.from([-3, 1, 0]));

  it('scores by cosine against one threshold', () => {
    expect(cosine(a, a)).toBeCloseTo(1, 6);
    expect(verify(a, b, 0.9).match).toBe(true);
    expect(verify(a, c, 0.9).match).toBe(false);
    expect(() => cosine(a, Float32Array.from([1, 0]))).toThrow(/same embedder/);
  });

  it('returns watchlist hits above the threshold, best first', () => {
    const hits = searchWatchlist(a, [{ id: 'c', template: c }, { id: 'b', template: b }, { id: 'a', template: a }], 0.9);
    expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
    expect(searchWatchlist(a, [{ id: 'c', template: c }], 0.9)).toEqual([]);
  });
});
