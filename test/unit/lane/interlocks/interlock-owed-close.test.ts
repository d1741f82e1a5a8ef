/**
 * A close held back for a presence that a device fault drops is owed: the machine asks for it again
 * once every fault has cleared (presence-guarded as any close), unless the barrier was moved since.
 * The random coverage of the same rule is in interlock.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { initialInterlockState, stepInterlock, type InterlockEffect, type InterlockEvent, type InterlockState } from '../../../../src/lane/interlocks/index.js';
import { LANE } from './fixtures.js';

type EventInput = InterlockEvent extends infer E ? (E extends InterlockEvent ? Omit<E, 'at'> : never) : never;

function feed(state: InterlockState, ...events: EventInput[]): { state: InterlockState; effects: InterlockEffect[] } {
  let s = state;
  let effects: InterlockEffect[] = [];
  for (const e of events) ({ state: s, effects } = stepInterlock(LANE, s, { ...e, at: 1_000 } as InterlockEvent));
  return { state: s, effects };
}

const boomMoves = (effects: InterlockEffect[]) => effects.filter((e) => e.type === 'actuate' && e.barrier === 'boom');

/** The boom reported open, a close asked for while loop-a is occupied (deferred), then the PLC faults. */
function owedBoom(): InterlockState {
  const { state } = feed(
    initialInterlockState(LANE),
    { type: 'presence', input: 'loop-a', active: true },
    { type: 'presence', input: 'loop-b', active: false },
    { type: 'position', barrier: 'boom', position: 'opened' },
    { type: 'command', source: 'local', barrier: 'boom', action: 'close' },
  );
  expect(state.barriers['boom']!.pendingClose).toBe('close');
  const fault = feed(state, { type: 'device-fault', device: 'plc-boom', reason: 'PLC fault 20' });
  expect(fault.effects).toContainEqual({ type: 'close-owed', barrier: 'boom', action: 'close' });
  expect(fault.state.barriers['boom']).toMatchObject({ pendingClose: null, owedClose: 'close' });
  return fault.state;
}

describe('interlocks: a close a fault dropped is owed', () => {
  it('asked again when the last fault clears, once the loop is clear; never while another fault remains', () => {
    let state = feed(owedBoom(), { type: 'device-fault', device: 'io-doors', reason: 'gpio lost' }, { type: 'presence', input: 'loop-a', active: false }).state;
    const partly = feed(state, { type: 'device-ok', device: 'plc-boom' });
    expect(boomMoves(partly.effects)).toEqual([]);
    state = partly.state;
    const back = feed(state, { type: 'device-ok', device: 'io-doors' });
    expect(back.effects).toContainEqual({ type: 'close-reasked', barrier: 'boom', action: 'close' });
    expect(boomMoves(back.effects)).toEqual([{ type: 'actuate', barrier: 'boom', action: 'close', reason: 'recovered' }]);
    expect(back.state.barriers['boom']!.owedClose).toBeNull();
  });

  it('a vehicle on the loop at recovery: deferred again, closed only once the loop clears', () => {
    const back = feed(owedBoom(), { type: 'device-ok', device: 'plc-boom' });
    expect(boomMoves(back.effects)).toEqual([]);
    expect(back.effects).toContainEqual({ type: 'deferred', barrier: 'boom', waitingFor: ['loop-a'] });
    const clear = feed(back.state, { type: 'presence', input: 'loop-a', active: false });
    expect(boomMoves(clear.effects)).toEqual([{ type: 'actuate', barrier: 'boom', action: 'close', reason: 'deferred-close' }]);
  });

  it('an officer opening the boom during the fault supersedes it; so does the boom reporting closed', () => {
    const opened = feed(owedBoom(), { type: 'command', source: 'officer', barrier: 'boom', action: 'open' }, { type: 'presence', input: 'loop-a', active: false });
    expect(opened.state.barriers['boom']!.owedClose).toBeNull();
    expect(boomMoves(feed(opened.state, { type: 'device-ok', device: 'plc-boom' }).effects)).toEqual([]);

    const closed = feed(owedBoom(), { type: 'position', barrier: 'boom', position: 'closed' }, { type: 'presence', input: 'loop-a', active: false });
    const back = feed(closed.state, { type: 'device-ok', device: 'plc-boom' });
    expect(back.effects.filter((e) => e.type === 'close-reasked')).toEqual([]);
    expect(boomMoves(back.effects)).toEqual([]);
  });

  it('an egress door held open as its fail state owes nothing: the hold release closes it', () => {
    let { state } = feed(
      initialInterlockState(LANE),
      { type: 'presence', input: 'exit-beam', active: true },
      { type: 'position', barrier: 'exit-door', position: 'opened' },
      { type: 'command', source: 'local', barrier: 'exit-door', action: 'close' },
    );
    const fault = feed(state, { type: 'device-fault', device: 'io-doors', reason: 'gpio lost' });
    expect(fault.effects.filter((e) => e.type === 'close-owed')).toEqual([]);
    state = feed(fault.state, { type: 'presence', input: 'exit-beam', active: false }).state;
    const back = feed(state, { type: 'device-ok', device: 'io-doors' });
    expect(back.effects).toContainEqual({ type: 'actuate', barrier: 'exit-door', action: 'release-hold', reason: 'recovered' });
    expect(back.effects.filter((e) => e.type === 'close-reasked')).toEqual([]);
  });
});
