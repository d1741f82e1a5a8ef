import { describe, expect, it } from 'vitest';
import { run } from '../../bench/lane.js';
import { socatMissing } from '../helpers/pty.js';

/**
 * Smoke test of `npm run bench -- lane` with one measured passage per lane: the report has the rows
 * the docs and bench-results/lane.json promise, with numbers where something was measured. No timing
 * is asserted (the machine is shared; speed is the benchmark's business, not the test's). It calls
 * run() directly, so bench-results/lane.json is not overwritten by a smoke run.
 */
const missing = socatMissing();
if (missing) console.warn(`skipping the lane bench smoke test: ${missing}`);

describe.skipIf(missing !== null)('bench lane (smoke, N=1)', () => {
  it('reports people and vehicle cycle p50/p99 with goals, the parts, the peer floor and how it measured', async () => {
    const report = await run(['--people', '1', '--vehicle', '1']);
    expect(report.suite).toBe('lane');
    const names = report.rows.map((r) => r.name);
    const row = (prefix: string) => {
      const found = report.rows.find((r) => r.name.startsWith(prefix));
      expect(found, `a row starting "${prefix}" in ${JSON.stringify(names)}`).toBeDefined();
      return found!;
    };
    const peopleP99 = row('people: credential -> exit-door open command, p99');
    expect(peopleP99).toMatchObject({ unit: 'ms', goal: '<= 1000 ms p99' });
    expect(typeof peopleP99.pass).toBe('boolean');
    const vehicleP99 = row('vehicle: loop occupied -> barrier open command at the PLC, p99');
    expect(vehicleP99).toMatchObject({ unit: 'ms', goal: '<= 500 ms p99' });
    row('people: credential -> exit-door open command, p50');
    row('vehicle: loop occupied -> barrier open command at the PLC, p50');
    row('people: part before the entry door');
    row('people: part after the traveller is shut in');
    row('vehicle: lane side only');
    // Every measured passage was granted and measured: a count of 1 each, and finite figures.
    expect(row('people: passages measured').value).toBe(1);
    expect(row('vehicle: passages measured').value).toBe(1);
    for (const r of report.rows) expect(Number.isFinite(r.value), r.name).toBe(true);
    expect(row('peer: people facts lookup').value).toBeGreaterThan(0);
    expect(row('peer: vehicle facts lookup').value).toBeGreaterThan(0);
    // The face part says whether it ran (fixtures present) and the method is written down.
    expect(String(report.meta.face)).toMatch(/^(on|off)/);
    expect(peopleP99.name.includes('[NO FACE]')).toBe(String(report.meta.face).startsWith('off'));
    expect(report.meta.method).toMatchObject({ people: expect.any(String), vehicle: expect.any(String), peer: expect.any(String) });
    expect(report.meta.failures).toEqual([]);
  }, 300_000);
});
