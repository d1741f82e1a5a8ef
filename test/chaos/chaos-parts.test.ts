import { describe, expect, it } from 'vitest';
import type { LaneEvent } from '../../src/control/lane-control.js';
import { passageUses } from '../../src/chaos/chaos-central.js';
import { recoveryTable } from '../../src/chaos/checks.js';
import { FAULT_KINDS, planFaults, type FaultResult } from '../../src/chaos/faults.js';
import { Rng } from '../../src/chaos/rng.js';
import { SafetyTracker } from '../../src/chaos/safety-tracker.js';

/** The chaos run's judges on made-up inputs: each must be able to say no. */
const ev = (at: number, type: string, detail: LaneEvent['detail']): LaneEvent => ({ at, type, detail });

describe('SafetyTracker: CLOSE while a presence input is active', () => {
  it('flags a close of the door whose beam is broken, not of the other door or after the beam cleared', () => {
    const t = new SafetyTracker();
    t.apply('people', ev(1, 'lane', { state: 'started', kind: 'people' }));
    t.apply('people', ev(2, 'presence', { input: 'entry-beam', active: true }));
    t.apply('people', ev(3, 'actuate', { barrier: 'exit-door', action: 'close', reason: 'command' }));
    expect(t.violations).toEqual([]);
    t.apply('people', ev(4, 'actuate', { barrier: 'entry-door', action: 'close', reason: 'close-behind' }));
    expect(t.violations).toEqual([{ lane: 'people', at: 4, barrier: 'entry-door', activeInputs: ['entry-beam'] }]);
    t.apply('people', ev(5, 'presence', { input: 'entry-beam', active: false }));
    t.apply('people', ev(6, 'actuate', { barrier: 'entry-door', action: 'close', reason: 'close-behind' }));
    expect(t.violations).toHaveLength(1);
    expect(t.closes).toBe(3);
  });

  it('keeps lanes apart and forgets presence when the daemon restarts', () => {
    const t = new SafetyTracker();
    t.apply('vehicle', ev(1, 'presence', { input: 'loop-1', active: true }));
    t.apply('people', ev(2, 'actuate', { barrier: 'boom', action: 'close', reason: 'command' }));
    expect(t.violations).toEqual([]);
    t.apply('vehicle', ev(3, 'lane', { state: 'started', kind: 'vehicle' }));
    t.apply('vehicle', ev(4, 'actuate', { barrier: 'boom', action: 'close', reason: 'command' }));
    expect(t.violations).toEqual([]);
    t.apply('vehicle', ev(5, 'presence', { input: 'loop-1', active: true }));
    t.apply('vehicle', ev(6, 'actuate', { barrier: 'boom', action: 'close', reason: 'command' }));
    expect(t.violations.map((v) => v.barrier)).toEqual(['boom']);
    expect(t.starts).toBe(1);
  });

  it('records a barrier left open on an idle lane beyond the limit, not a short one or one during a passage', () => {
    const t = new SafetyTracker(10_000);
    t.apply('vehicle', ev(0, 'lane', { state: 'started', kind: 'vehicle' }));
    t.apply('vehicle', ev(1_000, 'position', { barrier: 'boom', position: 'opened' }));
    t.apply('vehicle', ev(5_000, 'position', { barrier: 'boom', position: 'closing' }));
    expect(t.leftOpen).toEqual([]);
    t.apply('vehicle', ev(6_000, 'phase', { from: 'idle', to: 'passing' }));
    t.apply('vehicle', ev(6_100, 'position', { barrier: 'boom', position: 'opened' }));
    t.apply('vehicle', ev(30_000, 'phase', { from: 'suspended', to: 'idle' }));
    t.apply('vehicle', ev(45_000, 'phase', { from: 'idle', to: 'reading' }));
    expect(t.leftOpen).toMatchObject([{ lane: 'vehicle', barrier: 'boom', from: 30_000, until: 45_000 }]);
    t.apply('vehicle', ev(46_000, 'phase', { from: 'passing', to: 'idle' }));
    t.finish(70_000);
    expect(t.leftOpen).toHaveLength(2);
  });
});

describe('fault plan', () => {
  it('is the same for the same seed, has every kind, stays inside the run and leaves time to recover', () => {
    const a = planFaults(new Rng(1234), 300);
    expect(planFaults(new Rng(1234), 300)).toEqual(a);
    expect(planFaults(new Rng(1235), 300)).not.toEqual(a);
    for (const kind of FAULT_KINDS) expect(a.some((f) => f.kind === kind)).toBe(true);
    for (const f of a) {
      expect(f.atS).toBeGreaterThanOrEqual(15);
      expect(f.atS).toBeLessThanOrEqual(300 - 45);
    }
    expect(a.map((f) => f.atS)).toEqual([...a.map((f) => f.atS)].sort((x, y) => x - y));
    for (const f of a.filter((x) => x.kind === 'serial-unplug')) expect(f.lanes).toEqual([f.link === 'rfid-gate' ? 'vehicle' : 'people']);
  });
});

describe('recovery table', () => {
  const fault = (kind: FaultResult['kind'], ttrMs: number | null): FaultResult => ({ atS: 0, kind, lanes: ['people'], injectedAt: 0, restoredAt: 0, recoveredAt: ttrMs, ttrMs, needs: null });

  it('gives max and p99 over the recovered ones and counts the rest as not recovered', () => {
    const ttrs = Array.from({ length: 100 }, (_, i) => (i + 1) * 100);
    const rows = recoveryTable([...ttrs.map((t) => fault('broker-restart', t)), fault('plc-restart', null)]);
    expect(rows.find((r) => r.kind === 'broker-restart')).toEqual({ kind: 'broker-restart', count: 100, recovered: 100, maxMs: 10_000, p99Ms: 9_900 });
    expect(rows.find((r) => r.kind === 'plc-restart')).toEqual({ kind: 'plc-restart', count: 1, recovered: 0, maxMs: null, p99Ms: null });
    expect(rows.find((r) => r.kind === 'disk-quota')!.count).toBe(0);
  });
});

describe('passageUses', () => {
  it('names the devices a record rests on, without values', () => {
    expect(passageUses({ credential: { kind: 'travel-document', idHash: 'ab' } })).toEqual(['document']);
    expect(passageUses({ credential: { kind: 'qr-token' } })).toEqual(['qr']);
    expect(passageUses({ credential: { kind: 'signed-qr' } })).toEqual(['qr']);
    expect(passageUses({ epc: 'e280', plateFront: { text: 'x', confidence: 1 } })).toEqual(['epc', 'plate']);
    expect(passageUses({ epc: null, plateFront: null })).toEqual([]);
    expect(passageUses(null)).toEqual([]);
  });
});
