import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowEffect, VehicleFlowEvent } from '../../../../src/lane/flow-types.js';
import { initialVehicleState, stepVehicle, vehiclePassageLimitMs, type VehicleFlowState } from '../../../../src/lane/vehicle/index.js';
import { CONFIG, DRIVER, EPC, PLATE, T0, facts, vehicle } from './fixtures.js';

const LIMIT = vehiclePassageLimitMs(CONFIG.timeouts);
const CONFIGS = [CONFIG, { ...CONFIG, rearCamera: true, policy: { ...CONFIG.policy, requireCredential: true } }];
const FACTS = [
  facts(),
  facts({ vehicleByEpc: vehicle({ vehicleId: 'veh-2' }) }),
  facts({ storeHealthy: false, storeProblem: 'corrupt' }),
  facts({ cargo: { status: 'hold', cargoClass: 'x', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null } }),
];

const eventArb = fc.record({
  kind: fc.constantFrom(
    'loop', 'plate', 'rfid', 'credential', 'facts', 'journaled', 'journal-failed', 'override', 'bad-override',
    'timer', 'emergency', 'free-pass', 'reset', 'fault', 'ok', 'junk',
  ),
  dt: fc.integer({ min: 0, max: 120_000 }),
  stale: fc.boolean(),
  n: fc.nat(9),
  flag: fc.boolean(),
});
type Abstract = { kind: string; dt: number; stale: boolean; n: number; flag: boolean };

function concrete(a: Abstract, s: VehicleFlowState, at: number): VehicleFlowEvent {
  const passage = a.stale || !s.passage ? `v${a.n}` : s.passage.ref;
  const outcomes = ['grant', 'deny', 'refer', 'alarm'] as const;
  switch (a.kind) {
    case 'loop': return { type: 'loop', at, occupied: a.flag };
    case 'plate': return { type: 'plate-read', at, camera: a.flag ? 'front' : 'rear', plate: { ...PLATE, confidence: a.n / 9 } };
    case 'rfid': return { type: 'rfid-read', at, rfid: { epc: a.stale ? `${EPC.slice(0, -1)}${a.n}` : EPC, tid: null } };
    case 'credential': return { type: 'credential-presented', at, credential: a.flag ? DRIVER : null };
    case 'facts': return { type: 'facts', at, passage, facts: FACTS[a.n % FACTS.length]! };
    case 'journaled': return { type: 'journaled', at, passage, passageId: `j${at}`, seq: at };
    case 'journal-failed': return { type: 'journal-failed', at, passage, error: 'read-only' };
    case 'override': return { type: 'officer-override', at, officerId: 'off-1', outcome: outcomes[a.n % 4]!, reason: 'seen', source: a.flag ? 'lanectl' : 'mqtt' };
    case 'bad-override': return { type: 'officer-override', at, officerId: 'x'.repeat(99), outcome: 'grant', reason: 'r', source: 'mqtt' };
    case 'timer': return { type: 'timer', at, name: a.stale ? `vehicle:v${a.n}:held` : (s.timer?.name ?? 'none') };
    case 'emergency': return { type: 'emergency', at, active: a.flag };
    case 'free-pass': return { type: 'free-pass', at, active: a.flag };
    case 'reset': return { type: 'reset', at, source: a.flag ? 'local' : 'mqtt' };
    case 'fault': return { type: 'device-fault', at, device: `d${a.n % 2}`, reason: 'lost' };
    case 'ok': return { type: 'device-ok', at, device: `d${a.n % 2}` };
    default: return { type: 'nonsense', at } as unknown as VehicleFlowEvent;
  }
}

function check(configIndex: number, seq: Abstract[]): void {
  const config = CONFIGS[configIndex]!;
  let s = initialVehicleState();
  let at = T0;
  const lastJournalOutcome = new Map<string, string>();
  const pendingJournal = new Set<string>();
  const confirmed = new Set<string>();
  const started = new Map<string, number>();

  const feed = (e: VehicleFlowEvent): void => {
    if (e.type === 'journaled' && pendingJournal.has(e.passage)) {
      pendingJournal.delete(e.passage);
      confirmed.add(e.passage);
    }
    let effects: FlowEffect[] = [];
    expect(() => ({ state: s, effects } = stepVehicle(config, s, e))).not.toThrow();
    for (const x of effects) {
      if (x.type === 'alarm') expect(x.kind).not.toBe('internal-error');
      if (x.type === 'journal') {
        lastJournalOutcome.set(x.passage, x.record.outcome);
        pendingJournal.add(x.passage);
      }
      if (x.type === 'actuate') {
        // Strict on the vehicle lane: every barrier movement follows the passage's confirmed journal entry.
        expect(pendingJournal.has(x.passage)).toBe(false);
        expect(confirmed.has(x.passage)).toBe(true);
        if (x.action === 'open') expect(lastJournalOutcome.get(x.passage)).toBe('grant');
      }
    }
    if (s.passage) {
      if (!started.has(s.passage.ref)) started.set(s.passage.ref, e.at);
      expect(e.at).toBeLessThanOrEqual(started.get(s.passage.ref)! + LIMIT);
    }
  };
  const fireDueTimers = (until: number): void => {
    for (let i = 0; i < 50 && s.timer && s.timer.dueAt <= until; i++) feed({ type: 'timer', at: Math.max(at, s.timer.dueAt), name: s.timer.name });
  };

  for (const a of seq) {
    const next = at + a.dt;
    fireDueTimers(next);
    at = Math.max(at, next);
    feed(concrete(a, s, at));
  }
  fireDueTimers(Number.MAX_SAFE_INTEGER);
  expect(s.passage).toBeNull();
}

describe('vehicle lane: properties', () => {
  it('durability, open-only-on-grant, bounded passages, never throws (20,000 random sequences)', () => {
    fc.assert(
      fc.property(fc.nat(1), fc.array(eventArb, { minLength: 1, maxLength: 30 }), (c, seq) => check(c, seq)),
      { numRuns: 20_000 },
    );
  }, 120_000); // 20,000 sequences on a shared 2-core machine: not a timing assertion
});
