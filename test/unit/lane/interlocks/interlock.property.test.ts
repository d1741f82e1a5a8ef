import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialInterlockState,
  stepInterlock,
  type BarrierAction,
  type InterlockEffect,
  type InterlockEvent,
} from '../../../../src/lane/interlocks/index.js';
import { DEVICES, EMERGENCY_INPUTS, INPUTS, LANE } from './fixtures.js';

/**
 * Drives the pure interlock layer with random sequences of sensor changes, commands from every source,
 * faults, emergencies, resets, free-pass and timer expiries (stale ones included), and checks the safety
 * invariants after EVERY step against a model the test keeps itself from the events, not from the
 * machine's internals.
 */
const RUNS = 100_000;

const barrierIds = [...LANE.barriers.map((b) => b.id), 'ghost'];
const source = fc.constantFrom('local' as const, 'officer' as const, 'mqtt' as const);
const action = fc.constantFrom<BarrierAction>('open', 'close', 'stop', 'hold-open', 'release-hold');
const position = fc.constantFrom('unknown' as const, 'opened' as const, 'closed' as const, 'opening' as const, 'closing' as const, 'stopped' as const);

type EventBody = InterlockEvent extends infer E ? (E extends InterlockEvent ? Omit<E, 'at'> : never) : never;

const event: fc.Arbitrary<EventBody> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constant('presence' as const), input: fc.constantFrom(...INPUTS), active: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('position' as const), barrier: fc.constantFrom(...barrierIds), position }) },
  { weight: 5, arbitrary: fc.record({ type: fc.constant('command' as const), source, barrier: fc.constantFrom(...barrierIds), action }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constant('grant' as const), source, barrier: fc.constantFrom(...barrierIds) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('emergency' as const), input: fc.constantFrom(...EMERGENCY_INPUTS), active: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('reset' as const), source }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('free-pass' as const), active: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('device-fault' as const), device: fc.constantFrom(...DEVICES), reason: fc.constantFrom('heartbeat lost', 'travel timeout') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('device-ok' as const), device: fc.constantFrom(...DEVICES) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('timer' as const), key: fc.constantFrom('egress-check', 'junk') }) },
);

const sequence = fc.array(fc.tuple(event, fc.integer({ min: 0, max: 150 })), { minLength: 1, maxLength: 40, size: 'max' });

/** What the test itself knows from the events it sent. */
class Model {
  presence = new Map<string, boolean>();
  emergencyInputs = new Set<string>();
  emergencyLatched = false;
  faults = new Set<string>();
  lastAction = new Map<string, BarrierAction>();

  observe(e: InterlockEvent): void {
    switch (e.type) {
      case 'presence':
        this.presence.set(e.input, e.active);
        break;
      case 'emergency':
        if (e.active) {
          this.emergencyInputs.add(e.input);
          this.emergencyLatched = true;
        } else this.emergencyInputs.delete(e.input);
        break;
      case 'reset':
        if (e.source !== 'mqtt' && this.emergencyInputs.size === 0) this.emergencyLatched = false;
        break;
      case 'device-fault':
        this.faults.add(e.device);
        break;
      case 'device-ok':
        this.faults.delete(e.device);
        break;
      default:
        break;
    }
  }

  occupied(barrier: string): string[] {
    const config = LANE.barriers.find((b) => b.id === barrier);
    return (config?.presence ?? []).filter((input) => this.presence.get(input) !== false);
  }
}

function check(model: Model, e: InterlockEvent, effects: InterlockEffect[], faultedBefore: boolean, signal: string): void {
  for (const effect of effects) {
    if (effect.type === 'actuate') {
      if (effect.action === 'close' || effect.action === 'release-hold') {
        const occupied = model.occupied(effect.barrier);
        if (occupied.length > 0) throw new Error(`${effect.action} requested for ${effect.barrier} while ${occupied.join(',')} active`);
        if (model.faults.size > 0) throw new Error(`${effect.action} requested for ${effect.barrier} while faulted`);
      }
      if (effect.reason === 'grant' && (faultedBefore || model.faults.size > 0)) throw new Error('grant while the lane is faulted');
      if (effect.reason === 'grant' && model.emergencyLatched) throw new Error('grant during an emergency');
      model.lastAction.set(effect.barrier, effect.action);
    }
    if (effect.type === 'signal' && effect.aspect === 'green' && model.faults.size > 0) throw new Error('green while faulted');
  }
  if (model.faults.size > 0 && signal === 'green') throw new Error('signal left green while faulted');
  if (model.emergencyLatched) {
    for (const door of LANE.barriers.filter((b) => b.role === 'egress-door')) {
      const last = model.lastAction.get(door.id);
      if (last !== 'open' && last !== 'hold-open') {
        throw new Error(`during an emergency egress door ${door.id} was last asked to ${last ?? 'nothing'} (after ${e.type})`);
      }
    }
  }
}

describe('interlocks: property', () => {
  it(`keeps the safety invariants over ${RUNS} random sequences`, () => {
    let steps = 0;
    let closes = 0;
    let emergencies = 0;
    fc.assert(
      fc.property(sequence, (seq) => {
        const model = new Model();
        let state = initialInterlockState(LANE);
        let at = 1_000_000;
        for (const [body, gap] of seq) {
          at += gap;
          const e = { ...body, at } as InterlockEvent;
          const faultedBefore = model.faults.size > 0;
          model.observe(e);
          const step = stepInterlock(LANE, state, e);
          state = step.state;
          check(model, e, step.effects, faultedBefore, state.signal);
          steps += 1;
          closes += step.effects.filter((x) => x.type === 'actuate' && x.action === 'close').length;
          if (model.emergencyLatched) emergencies += 1;
        }
      }),
      { numRuns: RUNS },
    );
    // The generator must reach the situations the invariants are about, or the test proves nothing.
    expect(steps).toBeGreaterThan(RUNS * 10);
    expect(closes).toBeGreaterThan(10_000);
    expect(emergencies).toBeGreaterThan(10_000);
  }, 180_000);

  it('the checker catches a machine that closes on a car (it can fail)', () => {
    const model = new Model();
    model.observe({ type: 'presence', at: 0, input: 'loop-a', active: true });
    expect(() => check(model, { type: 'command', at: 0, source: 'local', barrier: 'boom', action: 'close' }, [
      { type: 'actuate', barrier: 'boom', action: 'close', reason: 'command' },
    ], false, 'red')).toThrow(/while loop-a,loop-b active/);
  });
});

describe('interlocks: purity', () => {
  it('imports nothing but types and its own modules', () => {
    const dir = join(import.meta.dirname, '../../../../src/lane/interlocks');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const match of source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        const isType = match[2] !== undefined;
        const target = match[3]!;
        if (!isType) expect(target.startsWith('./'), `${file} imports ${target} at run time`).toBe(true);
      }
    }
  });
});
