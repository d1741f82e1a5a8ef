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
    for (const row of report.rows) expect(Number.isFinite(row.value) && row.value >= 0).toBe(true);
    expect(report.meta.plates).toBe(300);
  }, 60_000);
});
