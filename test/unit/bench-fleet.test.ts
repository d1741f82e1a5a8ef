import { describe, expect, it } from 'vitest';
import { run } from '../../bench/fleet.js';
import { mosquittoAvailable } from '../helpers/mosquitto.js';

// The fleet benchmark itself is `npm run bench -- fleet -- --lanes 50`; this smoke test runs it with 3
// real daemons, one real Mosquitto and 3 load lanes for a few seconds, and checks that every row is
// measured and that every passage reached the central ledger with no sequence gap (no timing asserted).
const skip = !mosquittoAvailable();
if (skip) console.warn('skipping fleet bench smoke test: /usr/sbin/mosquitto not installed (apt-get install mosquitto)');

describe.skipIf(skip)('bench/fleet.ts', () => {
  it('brings 3 daemons online, restarts the broker, and delivers every passage of 3 load lanes', async () => {
    const report = await run(['--', '--lanes', '3', '--seconds', '3', '--rate', '5']);
    expect(report.suite).toBe('fleet');
    const row = (prefix: string) => report.rows.find((r) => r.name.startsWith(prefix));
    for (const name of [
      'cold start: all 3 daemons online',
      'broker CPU, 3 lanes connected and idle',
      'daemon RSS, mean',
      'daemon RSS, max',
      'broker RSS',
      'broker restart: all 3 lanes online again',
      'passages appended',
      'passages delivered end to end',
      'commit -> central latency p50',
      'commit -> central latency p99',
      'broker CPU under load',
      'sequence gaps at central after drain',
    ]) {
      const r = row(name);
      expect(r, name).toBeDefined();
      expect(Number.isFinite(r!.value), name).toBe(true);
      expect(r!.value, name).toBeGreaterThanOrEqual(0);
    }
    expect(report.meta['appended']).toBe(45);
    expect(report.meta['delivered']).toBe(45);
    expect(report.meta['drained']).toBe(true);
    expect(row('sequence gaps')!.value).toBe(0);
    // A daemon is a real Node process with its store open: tens of MiB at least.
    expect(row('daemon RSS, mean')!.value).toBeGreaterThan(20);
  }, 240_000);
});
