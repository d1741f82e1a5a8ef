import { describe, expect, it } from 'vitest';
import { run } from '../../bench/fleet.js';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { socatMissing } from '../helpers/pty.js';

// The fleet benchmark itself is `npm run bench -- fleet -- --lanes 50`; this smoke test runs it with 3
// real daemons (people-lane flow, QR scanner on a socat pty, doors and beams on fake io), one real
// Mosquitto and the central simulator: travellers pass through the lane runner for a few seconds, then
// 3 load lanes take the same data folders as the peer. It checks that every row is measured, that every
// code presented became a granted passage that reached the central ledger exactly once with no sequence
// gap, and that the peer delivered all it appended (no timing asserted: the machine is shared).
const missing = !mosquittoAvailable() ? '/usr/sbin/mosquitto not installed (apt-get install mosquitto)' : socatMissing();
if (missing) console.warn(`skipping fleet bench smoke test: ${missing}`);

describe.skipIf(missing !== null)('bench/fleet.ts', () => {
  it('brings 3 daemons online, runs travellers through their lane runners to the central, then the load-lane peer', async () => {
    const report = await run(['--', '--lanes', '3', '--seconds', '4', '--peer-rate', '5']);
    expect(report.suite).toBe('fleet');
    const row = (prefix: string) => report.rows.find((r) => r.name.startsWith(prefix));
    for (const name of [
      'cold start: all 3 daemons online',
      'lists loaded: all 3 lanes',
      'broker CPU, 3 lanes connected and idle',
      'daemon RSS idle, mean',
      'daemon RSS idle, max',
      'broker RSS',
      'broker restart: all 3 lanes online again',
      'passages end to end through the lane runner',
      'runner: travellers offered',
      'runner: travellers completed',
      'runner: passages journaled',
      'runner: passages at central',
      'runner: duplicate deliveries',
      'runner: sequence gaps',
      'runner: commit -> central latency p50',
      'runner: commit -> central latency p99',
      'runner: code presented -> central latency p99',
      'runner: broker CPU',
      'runner: daemon RSS after the run, max',
      'peer (no runner): passages delivered',
      'peer (no runner): commit -> central latency p99',
      'peer (no runner): sequence gaps',
      'runner / peer: commit -> central p50',
    ]) {
      const r = row(name);
      expect(r, name).toBeDefined();
      expect(Number.isFinite(r!.value), name).toBe(true);
      expect(r!.value, name).toBeGreaterThanOrEqual(0);
    }
    const runner = report.meta['runner'] as Record<string, unknown>;
    // Every lane passed at least one traveller in 4 s (a passage takes about 2 s of door travel and walking).
    expect(runner['offered'] as number).toBeGreaterThanOrEqual(3);
    expect((runner['perLaneCompleted'] as { min: number }).min).toBeGreaterThanOrEqual(1);
    expect(runner['stuck']).toEqual([]);
    expect(runner['completed']).toBe(runner['offered']);
    // One journal record per traveller, all granted from the seeded cache, each at the central once.
    expect(runner['journaled']).toBe(runner['offered']);
    expect(runner['delivered']).toBe(runner['journaled']);
    expect(runner['outcomes']).toEqual({ grant: runner['offered'] });
    expect(runner['gaps']).toBe(0);
    expect(runner['drained']).toBe(true);
    expect(row('passages end to end through the lane runner')!.pass).toBe(true);
    // The peer: 3 load lanes x 5 passages/s x 4 s, all delivered.
    const peer = report.meta['peer'] as Record<string, unknown>;
    expect(peer['appended']).toBe(60);
    expect(peer['delivered']).toBe(60);
    expect(peer['drained']).toBe(true);
    expect(row('peer (no runner): sequence gaps')!.value).toBe(0);
    // A daemon is a real Node process with its store open: tens of MiB at least.
    expect(row('daemon RSS idle, mean')!.value).toBeGreaterThan(20);
  }, 240_000);
});
