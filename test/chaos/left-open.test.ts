import { describe, expect, it } from 'vitest';
import type { LaneEvent } from '../../src/control/lane-control.js';
import { judge, type LaneJournalFacts, type PiiFacts } from '../../src/chaos/checks.js';
import { FAULT_KINDS, type FaultResult } from '../../src/chaos/faults.js';
import { SafetyTracker } from '../../src/chaos/safety-tracker.js';

/** The chaos run's "no barrier left open on an idle lane" judge on made-up inputs: it must be able to say no. */
const ev = (at: number, type: string, detail: LaneEvent['detail']): LaneEvent => ({ at, type, detail });

describe('SafetyTracker: barrier left open on an idle lane (5 s; a gating check of the chaos run)', () => {
  it('counts only the time with the presence inputs clear: a close deferred for a person is not a failure', () => {
    const t = new SafetyTracker();
    expect(t.leftOpenLimitMs).toBe(5_000);
    t.apply('people', ev(0, 'lane', { state: 'started', kind: 'people' }));
    t.apply('people', ev(1_000, 'presence', { input: 'exit-beam', active: true }));
    t.apply('people', ev(1_100, 'position', { barrier: 'exit-door', position: 'opened' }));
    t.apply('people', ev(20_000, 'presence', { input: 'exit-beam', active: false })); // 19 s in the doorway: not counted
    t.apply('people', ev(20_500, 'position', { barrier: 'exit-door', position: 'closing' }));
    expect(t.leftOpen).toEqual([]);
    t.apply('people', ev(21_000, 'position', { barrier: 'exit-door', position: 'opened' }));
    t.apply('people', ev(27_000, 'position', { barrier: 'exit-door', position: 'closing' }));
    expect(t.leftOpen).toMatchObject([{ lane: 'people', barrier: 'exit-door', from: 21_000, until: 27_000 }]);
  });

  it('a suspended lane is not idle (fail state); open past the limit once back in service is a failure', () => {
    const t = new SafetyTracker();
    t.apply('vehicle', ev(0, 'lane', { state: 'started', kind: 'vehicle' }));
    t.apply('vehicle', ev(1, 'presence', { input: 'loop-1', active: false }));
    t.apply('vehicle', ev(10, 'phase', { from: 'idle', to: 'suspended' }));
    t.apply('vehicle', ev(20, 'position', { barrier: 'boom', position: 'opened' }));
    t.apply('vehicle', ev(60_000, 'phase', { from: 'suspended', to: 'idle' }));
    t.apply('vehicle', ev(64_000, 'position', { barrier: 'boom', position: 'closing' })); // closed within 4 s of resume
    expect(t.leftOpen).toEqual([]);
    t.apply('vehicle', ev(70_000, 'position', { barrier: 'boom', position: 'opened' }));
    t.finish(80_000);
    expect(t.leftOpen).toMatchObject([{ lane: 'vehicle', barrier: 'boom', from: 70_000, until: 80_000 }]);
  });

  it('keeps the lane events around the case (from 6 s before), so a failed run says why', () => {
    const t = new SafetyTracker();
    t.apply('vehicle', ev(0, 'lane', { state: 'started', kind: 'vehicle' }));
    t.apply('vehicle', ev(1_000, 'presence', { input: 'loop-1', active: false }));
    t.apply('vehicle', ev(50_000, 'device', { device: 'boom:plc-fault', state: 'ok' }));
    t.apply('vehicle', ev(50_100, 'position', { barrier: 'boom', position: 'opened' }));
    t.apply('vehicle', ev(60_000, 'position', { barrier: 'boom', position: 'closing' }));
    expect(t.leftOpen).toHaveLength(1);
    expect(t.leftOpen[0]!.trail).toEqual([
      '-100 device {"device":"boom:plc-fault","state":"ok"}',
      '+0 position {"barrier":"boom","position":"opened"}',
      '+9900 position {"barrier":"boom","position":"closing"}',
    ]);
  });
});

describe('judge: "no barrier left open on an idle lane" fails the run', () => {
  const lane = (name: 'people' | 'vehicle'): LaneJournalFacts => ({
    lane: name,
    passages: 2,
    grants: 2,
    denies: 0,
    refers: 0,
    lastSeq: 2,
    verify: { ok: true, checked: 2, problems: 0 },
    duplicateIds: 0,
    seqGaps: [],
    grantsMissingAtCentral: 0,
    passagesMissingAtCentral: [],
    centralOutOfLaneOrder: 0,
    centralUnknownIds: 0,
    centralDuplicatePassages: 0,
    envelopeGaps: [],
  });
  const faults: FaultResult[] = FAULT_KINDS.map((kind) => ({ atS: 20, kind, lanes: ['vehicle'], injectedAt: 0, restoredAt: 1, recoveredAt: 2, ttrMs: 2, needs: null }));
  const pii: PiiFacts = { linesScanned: 10, offending: 0, report: '', selfTest: true };
  const verdict = (t: SafetyTracker) => judge([lane('people'), lane('vehicle')], t, faults, faults.length, pii, 0).find((c) => c.name === 'no barrier left open on an idle lane');

  it('passes with nothing left open and fails (naming lane, barrier and how long) with one', () => {
    const clean = new SafetyTracker();
    clean.apply('vehicle', ev(0, 'lane', { state: 'started', kind: 'vehicle' }));
    clean.finish(10_000);
    expect(verdict(clean)).toMatchObject({ ok: true });

    const t = new SafetyTracker();
    t.apply('vehicle', ev(0, 'lane', { state: 'started', kind: 'vehicle' }));
    t.apply('vehicle', ev(1, 'presence', { input: 'loop-1', active: false }));
    t.apply('vehicle', ev(1_000, 'position', { barrier: 'boom', position: 'opened' }));
    t.finish(26_900);
    const check = verdict(t);
    expect(check?.ok).toBe(false);
    expect(check?.detail).toMatch(/^vehicle boom open 25\.9 s from /);
  });
});
