import { describe, expect, it } from 'vitest';
import { run } from '../../../bench/credentials.js';

// The benchmark itself is run by `npm run bench -- credentials`; this only checks that the
// suite runs and reports every row it promises (no timing is asserted).
describe('bench/credentials.ts', () => {
  it('reports each measure with its peer and ratio', async () => {
    const report = await run(['--seconds', '0.03', '--plates', '300']);
    expect(report.suite).toBe('credentials');
    const names = report.rows.map((r) => r.name);
    for (const expected of [
      'ES256 bare crypto.verify (peer)',
      'ES256 full signed-QR verify (unprefix..key usage)',
      'PS256 full path / bare verify',
      'MRZ ours / mrz.parse',
      'plate canonicalisation / regex check',
      'fuzzy match index / full scan',
      'fuzzy match p99 latency',
    ]) {
      expect(names).toContain(expected);
    }
    for (const row of report.rows) {
      expect(Number.isFinite(row.value), row.name).toBe(true);
      // A heap difference over 300 plates is within the collector's noise and may come out
      // below zero; every other row is a rate, a ratio or a latency and cannot be negative.
      if (row.name !== 'PlateIndex heap growth') expect(row.value, row.name).toBeGreaterThanOrEqual(0);
    }
    expect(report.meta.plates).toBe(300);
  }, 60_000);
});
