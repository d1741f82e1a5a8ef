import { describe, expect, it } from 'vitest';
import { summarise, type CropOutcome } from '../../../../src/vision/plate/eval/plate-eval-summary.js';
import { parsePlateLabels, PlateLabelsError } from '../../../../src/vision/plate/eval/plate-labels.js';

const o = (country: string, rows: 1 | 2, expected: string, ours: string, naive: string, ms: number): CropOutcome => ({ file: `${country}-${expected}.jpg`, country, rows, expected, ours, naive, ms, naiveMs: ms * 2 });

describe('eval plates summary', () => {
  it('counts exact matches by country and by country x rows, ours beside the baseline', () => {
    const s = summarise([o('VN', 1, 'A', 'A', 'A', 10), o('VN', 2, 'B', 'B', 'X', 20), o('VN', 2, 'C', 'Y', 'C', 30), o('CN', 1, 'D', 'D', 'D', 40)]);
    expect(s.n).toBe(4);
    expect(s.byCountry.VN).toEqual({ n: 3, exact: 2, rate: 0.6667, naiveExact: 2, naiveRate: 0.6667 });
    expect(s.byCountryRows['VN/2']).toEqual({ n: 2, exact: 1, rate: 0.5, naiveExact: 1, naiveRate: 0.5 });
    expect(s.byCountry.CN!.rate).toBe(1);
    expect(s.ms).toEqual({ mean: 25, p50: 20, p99: 40 });
    expect(s.naiveMs!.p50).toBe(40);
    expect(s.misreads).toEqual([{ file: 'VN-C.jpg', country: 'VN', rows: 2, expected: 'C', ours: 'Y', naive: 'C' }]);
    expect(s.msByCountryRows['VN/2']).toEqual({ mean: 25, p50: 20, p99: 30 });
    expect(s.rereadShare).toBe(0);
  });

  it('reports the share of crops read more than once and the baseline CPU time', () => {
    const s = summarise([
      { ...o('VN', 2, 'A', 'A', 'A', 10), rereads: 5, naiveCpuMs: 7 },
      { ...o('CN', 1, 'B', 'B', 'B', 10), rereads: 0, naiveCpuMs: 9 },
      { ...o('CN', 1, 'C', 'C', 'C', 10), naiveCpuMs: 8 },
      { ...o('CN', 1, 'D', 'D', 'D', 10), rereads: 1, naiveCpuMs: 8 },
    ]);
    expect(s.rereadShare).toBe(0.5);
    expect(s.naiveCpuMs?.p50).toBe(8);
  });

  it('keeps refused images out of the times and lists them', () => {
    const s = summarise([o('VN', 1, 'A', 'A', 'A', 10), { ...o('VN', 1, 'B', '', '', 0), error: 'image_corrupt' }]);
    expect(s.errors).toEqual([{ file: 'VN-B.jpg', error: 'image_corrupt' }]);
    expect(s.ms.p50).toBe(10);
    expect(s.byCountry.VN!.exact).toBe(1);
  });

  it('parses labels.tsv and says what is wrong with a bad one', () => {
    const labels = parsePlateLabels('file\tcountry\tplate_compact\tn_rows\tcategory\nvn/a.jpg\tVN\t30G36644\t2\tcar_2row\n');
    expect(labels).toEqual([{ file: 'vn/a.jpg', country: 'VN', compact: '30G36644', rows: 2, category: 'car_2row' }]);
    expect(() => parsePlateLabels('file\tcountry\n')).toThrow(PlateLabelsError);
    expect(() => parsePlateLabels('file\tcountry\tplate_compact\tn_rows\nx.jpg\tVN\tA\t3\n')).toThrow(/n_rows must be 1 or 2/);
  });
});
