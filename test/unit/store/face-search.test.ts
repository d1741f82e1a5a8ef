import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaceGallery } from '../../../src/store/face/face-gallery.js';
import { buildScanModuleBytes, scanModule, strideFor } from '../../../src/store/face/simd-kernel.js';
import { normaliseVector } from '../../../src/store/face/vector.js';
import { unitVector } from './store-fixtures.js';

/** Exact brute force in float64: the answer every gallery must reproduce. */
function bruteForce(rows: Map<string, Float32Array>, q: Float32Array, k: number, minScore: number): { id: string; score: number }[] {
  const qn = normaliseVector(q)!;
  return [...rows]
    .map(([id, v]) => ({ id, score: v.reduce((s, x, i) => s + x * qn[i]!, 0) }))
    .filter((c) => c.score >= minScore)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, k);
}

describe('SIMD scan kernel', () => {
  it('is a valid WebAssembly module on this runtime', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(buildScanModuleBytes())).toBe(true);
    expect(scanModule()).not.toBeNull();
    expect(strideFor(1)).toBe(32);
    expect(strideFor(512)).toBe(512);
    expect(strideFor(513)).toBe(544);
  });
});

describe('FaceGallery', () => {
  it('finds the same top k as exact brute force, with SIMD and without', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(3, 31, 128, 200),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(-1, 0, 0.3),
        (n, dims, k, seed, minScore) => {
          const rows = new Map<string, Float32Array>();
          const simd = new FaceGallery<number>(dims, { simd: true });
          const plain = new FaceGallery<number>(dims, { simd: false });
          for (let i = 0; i < n; i++) {
            const v = unitVector(dims, seed * 1000 + i);
            rows.set(`T${i}`, v);
            simd.upsert(`T${i}`, v, i);
            plain.upsert(`T${i}`, v, i);
          }
          // A query near one row, so there is a clear best match plus a crowd of near-ties.
          const q = unitVector(dims, seed * 1000 + (seed % n)).map((x, i) => x + 0.05 * unitVector(dims, seed + 7)[i]!);
          const expected = bruteForce(rows, q, k, minScore);
          for (const g of [simd, plain]) {
            const got = g.search(q, { k, minScore });
            expect(got.map((c) => c.id)).toEqual(expected.map((c) => c.id));
            got.forEach((c, i) => expect(c.score).toBeCloseTo(expected[i]!.score, 5));
          }
          expect(simd.simd).toBe(true);
          expect(plain.simd).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stays exact after removals move rows around, and after replacing a vector', () => {
    const dims = 64;
    const g = new FaceGallery<string>(dims);
    const rows = new Map<string, Float32Array>();
    for (let i = 0; i < 2100; i++) {
      const v = unitVector(dims, i + 1);
      rows.set(`T${i}`, v);
      g.upsert(`T${i}`, v, `S${i}`);
    }
    for (let i = 0; i < 2100; i += 3) {
      expect(g.remove(`T${i}`)).toBe(true);
      rows.delete(`T${i}`);
    }
    expect(g.remove('T0')).toBe(false);
    const moved = unitVector(dims, 99_999);
    g.upsert('T1', moved, 'S1-new');
    rows.set('T1', moved);
    expect(g.size).toBe(rows.size);
    for (const seed of [5, 77, 1000, 1999]) {
      const q = unitVector(dims, seed);
      expect(g.search(q, { k: 5 }).map((c) => c.id)).toEqual(bruteForce(rows, q, 5, -1).map((c) => c.id));
    }
    expect(g.search(moved, { k: 1 })[0]).toMatchObject({ id: 'T1', meta: 'S1-new' });
    expect(g.search(moved, { k: 1 })[0]!.score).toBeCloseTo(1, 5);
  });

  it('answers nothing for an empty gallery or a zero query, and refuses a wrong dimension', () => {
    const g = new FaceGallery<null>(16);
    expect(g.search(unitVector(16, 1))).toEqual([]);
    g.upsert('a', unitVector(16, 1), null);
    expect(g.search(new Float32Array(16))).toEqual([]);
    expect(() => g.search(new Float32Array(15))).toThrow(/15 dims, gallery has 16/);
    expect(() => g.upsert('b', new Float32Array(8), null)).toThrow(RangeError);
  });
});
