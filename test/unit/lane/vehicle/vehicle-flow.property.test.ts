import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VehicleFlowEvent } from '../../../../src/lane/flow-types.js';
import { initialVehicleState, stepVehicle, vehiclePassageLimitMs, type VehicleFlowState } from '../../../../src/lane/vehicle/index.js';
import { checkFlowSequence, commonEvent, type AbstractEvent } from '../flow-test-kit.js';
import { CONFIG, DRIVER, EPC, PLATE, facts, vehicle } from './fixtures.js';

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
    'timer', 'emergency', 'free-pass', 'reset', 'fault', 'ok', 'found-open', 'junk',
  ),
  dt: fc.integer({ min: 0, max: 120_000 }),
  stale: fc.boolean(),
  n: fc.nat(9),
  flag: fc.boolean(),
});

function concrete(a: AbstractEvent, s: VehicleFlowState, at: number): VehicleFlowEvent {
  const passage = a.stale || !s.passage ? `v${a.n}` : s.passage.ref;
  switch (a.kind) {
    case 'loop': return { type: 'loop', at, occupied: a.flag };
    case 'plate': return { type: 'plate-read', at, camera: a.flag ? 'front' : 'rear', plate: { ...PLATE, confidence: a.n / 9 } };
    case 'rfid': return { type: 'rfid-read', at, rfid: { epc: a.stale ? `${EPC.slice(0, -1)}${a.n}` : EPC, tid: null } };
    case 'credential': return { type: 'credential-presented', at, credential: a.flag ? DRIVER : null };
    case 'facts': return { type: 'facts', at, passage, facts: FACTS[a.n % FACTS.length]! };
    case 'journal-failed': return { type: 'journal-failed', at, passage, error: 'read-only' };
    case 'bad-override': return { type: 'officer-override', at, officerId: 'x'.repeat(99), outcome: 'grant', reason: 'r', source: 'mqtt' };
    default: return commonEvent(a, 'vehicle', passage, s.timer, at);
  }
}

/** Runs a sequence through the shared harness; the vehicle lane's own rule is on the barrier. */
function check(configIndex: number, seq: AbstractEvent[]): void {
  const config = CONFIGS[configIndex]!;
  checkFlowSequence<VehicleFlowState, VehicleFlowEvent>(
    {
      initial: initialVehicleState(),
      step: (s, e) => stepVehicle(config, s, e),
      limitMs: LIMIT,
      concrete,
      checkActuation: (x, { pendingJournal, confirmed, lastJournalOutcome }) => {
        // Strict on the vehicle lane: every barrier movement follows the passage's confirmed journal entry.
        expect(pendingJournal.has(x.passage)).toBe(false);
        expect(confirmed.has(x.passage)).toBe(true);
        if (x.action === 'open') expect(lastJournalOutcome.get(x.passage)).toBe('grant');
      },
    },
    seq,
  );
}

describe('vehicle lane: properties', () => {
  it('durability, open-only-on-grant, bounded passages, never throws (20,000 random sequences)', () => {
    fc.assert(
      fc.property(fc.nat(1), fc.array(eventArb, { minLength: 1, maxLength: 30 }), (c, seq) => check(c, seq)),
      { numRuns: 20_000 },
    );
  }, 120_000); // 20,000 sequences on a shared 2-core machine: not a timing assertion
});
