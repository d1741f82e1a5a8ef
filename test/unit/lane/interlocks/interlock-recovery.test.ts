/**
 * A close the device lost around a fault (a PLC that restarted into its own heartbeat fault refuses
 * the method; found by the chaos run: the boom stayed open on an idle lane) is asked again when the
 * lane recovers, presence-guarded as always.
 */
import { describe, expect, it } from 'vitest';
import { initialInterlockState, stepInterlock, type InterlockEvent, type InterlockState } from '../../../../src/lane/interlocks/index.js';
import { LANE } from './fixtures.js';

type EventInput = InterlockEvent extends infer E ? (E extends InterlockEvent ? Omit<E, 'at'> : never) : never;

function feed(state: InterlockState, ...events: EventInput[]) {
  let s = state;
  let effects: ReturnType<typeof stepInterlock>['effects'] = [];
  for (const e of events) ({ state: s, effects } = stepInterlock(LANE, s, { ...e, at: 1_000 } as InterlockEvent));
  return { state: s, effects };
}

const clearLoops: EventInput[] = [
  { type: 'presence', input: 'loop-a', active: false },
  { type: 'presence', input: 'loop-b', active: false },
];

describe('interlocks: a close lost around a fault is asked again on recovery', () => {
  it('closed asked, the device faults and reports the boom still opened: recovery closes it again', () => {
    let { state } = feed(initialInterlockState(LANE), ...clearLoops, { type: 'position', barrier: 'boom', position: 'opened' });
    ({ state } = feed(state, { type: 'command', source: 'local', barrier: 'boom', action: 'close' }));
    expect(state.barriers['boom']!.demand).toBe('close');
    ({ state } = feed(state, { type: 'device-fault', device: 'plc-boom', reason: 'heartbeat' }, { type: 'position', barrier: 'boom', position: 'opened' }));
    const ok = feed(state, { type: 'device-ok', device: 'plc-boom' });
    expect(ok.effects).toContainEqual({ type: 'actuate', barrier: 'boom', action: 'close', reason: 'recovered' });
  });

  it('a loop occupied meanwhile keeps it open until clear; nothing when the boom reports closed or was last asked open', () => {
    let { state } = feed(initialInterlockState(LANE), ...clearLoops, { type: 'position', barrier: 'boom', position: 'opened' });
    ({ state } = feed(state, { type: 'command', source: 'local', barrier: 'boom', action: 'close' }, { type: 'device-fault', device: 'plc-boom', reason: 'x' }));
    ({ state } = feed(state, { type: 'presence', input: 'loop-a', active: true }));
    const occupied = feed(state, { type: 'device-ok', device: 'plc-boom' });
    expect(occupied.effects.filter((e) => e.type === 'actuate' && e.barrier === 'boom')).toEqual([]);
    expect(feed(occupied.state, { type: 'presence', input: 'loop-a', active: false }).effects).toContainEqual({ type: 'actuate', barrier: 'boom', action: 'close', reason: 'deferred-close' });

    let closed = feed(initialInterlockState(LANE), ...clearLoops, { type: 'command', source: 'local', barrier: 'boom', action: 'close' }).state;
    closed = feed(closed, { type: 'position', barrier: 'boom', position: 'closed' }, { type: 'device-fault', device: 'plc-boom', reason: 'x' }).state;
    expect(feed(closed, { type: 'device-ok', device: 'plc-boom' }).effects.filter((e) => e.type === 'actuate' && e.barrier === 'boom')).toEqual([]);

    let granted = feed(initialInterlockState(LANE), ...clearLoops, { type: 'grant', source: 'local', barrier: 'boom' }).state;
    granted = feed(granted, { type: 'position', barrier: 'boom', position: 'opened' }, { type: 'device-fault', device: 'plc-boom', reason: 'x' }).state;
    expect(feed(granted, { type: 'device-ok', device: 'plc-boom' }).effects.filter((e) => e.type === 'actuate' && e.barrier === 'boom')).toEqual([]);
  });
});
