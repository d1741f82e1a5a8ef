import { describe, expect, it } from 'vitest';
import {
  initialInterlockState,
  stepInterlock,
  validateInterlockConfig,
  type InterlockEffect,
  type InterlockEvent,
  type InterlockState,
} from '../../../../src/lane/interlocks/index.js';
import { LANE } from './fixtures.js';

/** An event without its time (or with one, to place it exactly). */
type EventInput = InterlockEvent extends infer E ? (E extends InterlockEvent ? Omit<E, 'at'> & { at?: number } : never) : never;

/** Feeds events in order at 10 ms spacing; returns the final state and each step's effects. */
function run(events: EventInput[], from?: InterlockState) {
  let state = from ?? initialInterlockState(LANE);
  const steps: InterlockEffect[][] = [];
  let at = 1_000;
  for (const e of events) {
    at = e.at ?? at + 10;
    const step = stepInterlock(LANE, state, { ...e, at } as InterlockEvent);
    state = step.state;
    steps.push(step.effects);
  }
  return { state, steps, last: steps[steps.length - 1] ?? [] };
}

const clear: EventInput[] = [
  { type: 'presence', input: 'loop-a', active: false },
  { type: 'presence', input: 'loop-b', active: false },
  { type: 'presence', input: 'exit-beam', active: false },
  { type: 'presence', input: 'entry-beam', active: false },
];

describe('interlocks: presence', () => {
  it('a grant opens the barrier and shows green', () => {
    const { last, state } = run([...clear, { type: 'grant', source: 'local', barrier: 'boom' }]);
    expect(last).toEqual([
      { type: 'actuate', barrier: 'boom', action: 'open', reason: 'grant' },
      { type: 'signal', aspect: 'green' },
    ]);
    expect(state.signal).toBe('green');
  });

  it('an input never reported counts as occupied: close is deferred, not requested', () => {
    const { last } = run([{ type: 'command', source: 'officer', barrier: 'boom', action: 'close' }]);
    expect(last).toContainEqual({ type: 'deferred', barrier: 'boom', waitingFor: ['loop-a', 'loop-b'] });
    expect(last.some((e) => e.type === 'actuate')).toBe(false);
  });

  it('close waits for the loop to clear, then goes', () => {
    const { steps } = run([
      ...clear,
      { type: 'presence', input: 'loop-b', active: true },
      { type: 'command', source: 'local', barrier: 'boom', action: 'close' },
      { type: 'presence', input: 'loop-a', active: false }, // another input clearing changes nothing
      { type: 'presence', input: 'loop-b', active: false },
    ]);
    expect(steps[5]).toContainEqual({ type: 'deferred', barrier: 'boom', waitingFor: ['loop-b'] });
    expect(steps[6]).toEqual([]);
    expect(steps[7]).toEqual([{ type: 'actuate', barrier: 'boom', action: 'close', reason: 'deferred-close' }]);
  });

  it('obstruction while closing reopens, and closes again once clear', () => {
    const { steps } = run([
      ...clear,
      { type: 'command', source: 'local', barrier: 'boom', action: 'close' },
      { type: 'position', barrier: 'boom', position: 'closing' },
      { type: 'presence', input: 'loop-a', active: true },
      { type: 'presence', input: 'loop-a', active: false },
    ]);
    expect(steps[4]).toContainEqual({ type: 'actuate', barrier: 'boom', action: 'close', reason: 'command' });
    expect(steps[6]).toEqual([{ type: 'actuate', barrier: 'boom', action: 'open', reason: 'obstruction' }]);
    expect(steps[7]).toEqual([{ type: 'actuate', barrier: 'boom', action: 'close', reason: 'deferred-close' }]);
  });

  it('a barrier reported closing by someone else while a loop is occupied is reopened', () => {
    const { last } = run([...clear, { type: 'presence', input: 'loop-a', active: true }, { type: 'position', barrier: 'boom', position: 'closing' }]);
    expect(last).toEqual([{ type: 'actuate', barrier: 'boom', action: 'open', reason: 'obstruction' }]);
  });

  it('an open command cancels a deferred close', () => {
    const { last } = run([
      ...clear,
      { type: 'presence', input: 'loop-a', active: true },
      { type: 'command', source: 'local', barrier: 'boom', action: 'close' },
      { type: 'command', source: 'officer', barrier: 'boom', action: 'open' },
      { type: 'presence', input: 'loop-a', active: false },
    ]);
    expect(last).toEqual([]);
  });
});

describe('interlocks: emergency', () => {
  it('holds every egress door open at once, raises an alarm, arms the 100 ms check', () => {
    const { last, state } = run([...clear, { type: 'emergency', input: 'fire-panel', active: true, at: 5_000 }]);
    expect(last).toEqual([
      { type: 'alarm', code: 'emergency', raised: true, detail: "emergency input 'fire-panel' active" },
      { type: 'actuate', barrier: 'exit-door', action: 'hold-open', reason: 'emergency' },
      { type: 'actuate', barrier: 'side-door', action: 'hold-open', reason: 'emergency' },
      { type: 'set-timer', key: 'egress-check', dueAt: 5_100 },
    ]);
    expect(state.emergencyLatched).toBe(true);
  });

  it('refuses to close an egress door and refuses grants until a person resets after the input clears', () => {
    const { steps } = run([
      ...clear,
      { type: 'emergency', input: 'fire-panel', active: true },
      { type: 'command', source: 'officer', barrier: 'exit-door', action: 'close' },
      { type: 'grant', source: 'local', barrier: 'boom' },
      { type: 'reset', source: 'officer' },
      { type: 'emergency', input: 'fire-panel', active: false },
      { type: 'reset', source: 'mqtt' },
      { type: 'reset', source: 'officer' },
      { type: 'grant', source: 'local', barrier: 'boom' },
    ]);
    expect(steps[5]).toEqual([{ type: 'reject', event: 'command', barrier: 'exit-door', reason: 'emergency' }]);
    expect(steps[6]).toEqual([{ type: 'reject', event: 'grant', barrier: 'boom', reason: 'emergency' }]);
    expect(steps[7]).toEqual([{ type: 'reject', event: 'reset', reason: 'emergency-still-active' }]);
    expect(steps[8]).toEqual([]);
    expect(steps[9]).toEqual([{ type: 'reject', event: 'reset', reason: 'reset-needs-person' }]);
    expect(steps[10]).toEqual([
      { type: 'alarm', code: 'emergency', raised: false, detail: 'emergency cleared and reset on site' },
      { type: 'cancel-timer', key: 'egress-check' },
      { type: 'actuate', barrier: 'exit-door', action: 'release-hold', reason: 'reset' },
      { type: 'actuate', barrier: 'side-door', action: 'release-hold', reason: 'reset' },
    ]);
    expect(steps[11]).toContainEqual({ type: 'actuate', barrier: 'boom', action: 'open', reason: 'grant' });
  });

  it('a door pushed shut during the emergency is opened again', () => {
    const { last } = run([...clear, { type: 'emergency', input: 'e-stop', active: true }, { type: 'position', barrier: 'exit-door', position: 'closed' }]);
    expect(last).toEqual([{ type: 'actuate', barrier: 'exit-door', action: 'hold-open', reason: 'emergency' }]);
  });

  it('alarms for egress doors not open at the deadline; an early or stale timer is ignored', () => {
    const { steps } = run([
      ...clear,
      { type: 'emergency', input: 'fire-panel', active: true, at: 10_000 },
      { type: 'position', barrier: 'exit-door', position: 'opening', at: 10_030 },
      { type: 'timer', key: 'egress-check', at: 10_050 },
      { type: 'timer', key: 'egress-check', at: 10_100 },
      { type: 'timer', key: 'egress-check', at: 10_200 },
    ]);
    expect(steps[6]).toEqual([]);
    expect(steps[7]).toEqual([
      { type: 'alarm', code: 'egress-door-not-open', raised: true, detail: "egress door 'side-door' is unknown after the emergency deadline" },
    ]);
    expect(steps[8]).toEqual([]);
  });

  it('free-pass holds egress doors open and lets them go when it ends (no reset needed, no alarm)', () => {
    const { steps } = run([...clear, { type: 'free-pass', active: true }, { type: 'free-pass', active: false }]);
    expect(steps[4]).toEqual([
      { type: 'actuate', barrier: 'exit-door', action: 'hold-open', reason: 'free-pass' },
      { type: 'actuate', barrier: 'side-door', action: 'hold-open', reason: 'free-pass' },
    ]);
    expect(steps[5]).toContainEqual({ type: 'actuate', barrier: 'exit-door', action: 'release-hold', reason: 'free-pass' });
  });
});

describe('interlocks: faults', () => {
  it('a fault turns the lane red, opens fail-safe doors, leaves the boom, and refuses grants and closes', () => {
    const { steps } = run([
      ...clear,
      { type: 'grant', source: 'local', barrier: 'boom' },
      { type: 'device-fault', device: 'plc-boom', reason: 'heartbeat lost' },
      { type: 'grant', source: 'mqtt', barrier: 'boom' },
      { type: 'command', source: 'officer', barrier: 'boom', action: 'close' },
      { type: 'command', source: 'officer', barrier: 'boom', action: 'open' },
    ]);
    expect(steps[5]).toEqual([
      { type: 'alarm', code: 'device-fault', raised: true, detail: 'plc-boom: heartbeat lost' },
      { type: 'signal', aspect: 'red' },
      { type: 'actuate', barrier: 'exit-door', action: 'hold-open', reason: 'fail-state' },
      { type: 'actuate', barrier: 'side-door', action: 'hold-open', reason: 'fail-state' },
    ]);
    expect(steps[6]).toEqual([{ type: 'reject', event: 'grant', barrier: 'boom', reason: 'lane-faulted' }]);
    expect(steps[7]).toEqual([{ type: 'reject', event: 'command', barrier: 'boom', reason: 'lane-faulted' }]);
    expect(steps[8]).toEqual([{ type: 'actuate', barrier: 'boom', action: 'open', reason: 'command' }]);
  });

  it('a deferred close dropped by a fault is owed: asked again, with the doors released, only when every device is back', () => {
    const { steps } = run([
      ...clear,
      { type: 'presence', input: 'loop-a', active: true },
      { type: 'command', source: 'local', barrier: 'boom', action: 'close' },
      { type: 'device-fault', device: 'plc-boom', reason: 'travel timeout' },
      { type: 'device-fault', device: 'io-doors', reason: 'gpio lost' },
      { type: 'presence', input: 'loop-a', active: false },
      { type: 'device-ok', device: 'plc-boom' },
      { type: 'device-ok', device: 'io-doors' },
      { type: 'device-ok', device: 'io-doors' },
    ]);
    expect(steps[6]).toContainEqual({ type: 'close-owed', barrier: 'boom', action: 'close' });
    expect(steps[8]).toEqual([]); // the loop clears while faulted: nothing closes yet
    expect(steps[9]).toEqual([{ type: 'alarm', code: 'device-fault', raised: false, detail: 'plc-boom: recovered' }]);
    expect(steps[10]).toEqual([
      { type: 'alarm', code: 'device-fault', raised: false, detail: 'io-doors: recovered' },
      { type: 'actuate', barrier: 'exit-door', action: 'release-hold', reason: 'recovered' },
      { type: 'actuate', barrier: 'side-door', action: 'release-hold', reason: 'recovered' },
      { type: 'close-reasked', barrier: 'boom', action: 'close' },
      { type: 'actuate', barrier: 'boom', action: 'close', reason: 'recovered' },
    ]);
    expect(steps[11]).toEqual([]);
  });
});

describe('interlocks: bad input', () => {
  it('an unknown barrier or event is refused with a reason, never a throw', () => {
    const { steps } = run([
      { type: 'command', source: 'mqtt', barrier: 'nope', action: 'close' },
      { type: 'grant', source: 'local', barrier: 'nope' },
      { type: 'position', barrier: 'nope', position: 'closed' },
      { type: 'bogus' } as unknown as EventInput,
    ]);
    expect(steps[0]).toEqual([{ type: 'reject', event: 'command', barrier: 'nope', reason: 'unknown-barrier' }]);
    expect(steps[1]).toEqual([{ type: 'reject', event: 'grant', barrier: 'nope', reason: 'unknown-barrier' }]);
    expect(steps[2]).toEqual([{ type: 'reject', event: 'position', barrier: 'nope', reason: 'unknown-barrier' }]);
    expect(steps[3]).toEqual([]);
  });

  it('does not mutate the state it is given', () => {
    const before = initialInterlockState(LANE);
    const frozen = JSON.stringify(before);
    stepInterlock(LANE, before, { type: 'emergency', at: 1, input: 'x', active: true });
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('validates its configuration', () => {
    expect(validateInterlockConfig(LANE)).toEqual([]);
    expect(
      validateInterlockConfig({ barriers: [{ id: 'a', role: 'door', presence: [] }, { id: 'a', role: 'door', presence: [] }], egressCheckMs: 0 }),
    ).toEqual(["barriers[1].id: duplicate barrier id 'a'", 'egressCheckMs: must be > 0']);
  });
});
