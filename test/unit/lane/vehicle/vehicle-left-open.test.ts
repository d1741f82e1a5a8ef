/**
 * A passage that ends without closing the boom (abandoned by a fault, an emergency, free pass) must
 * not leave it open on an idle lane: the flow closes it (`secure`) when the lane is back in service,
 * never while suspended (a faulted lane keeps the vehicle barrier as it is).
 */
import { describe, expect, it } from 'vitest';
import { VehicleLane, facts, of } from './fixtures.js';

const secure = (passage = 'v1') => ({ type: 'actuate', passage, target: 'barrier', action: 'close', purpose: 'secure' });

/** Granted and journaled: the boom is open, the vehicle still on the loop. */
function passing(): VehicleLane {
  const lane = new VehicleLane();
  lane.arrive();
  lane.send({ type: 'facts', passage: 'v1', facts: facts() });
  const open = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
  expect(of(open, 'actuate')).toEqual([{ type: 'actuate', passage: 'v1', target: 'barrier', action: 'open', purpose: 'grant' }]);
  expect(lane.state.phase).toBe('passing');
  return lane;
}

describe('vehicle lane: nothing left open on an idle lane', () => {
  it('a camera fault while passing: the boom stays as it is during the fault, closes on resume', () => {
    const lane = passing();
    const fault = lane.send({ type: 'device-fault', device: 'cam-front', reason: 'no frames' });
    expect(lane.state.phase).toBe('suspended');
    expect(of(fault, 'actuate')).toEqual([]);
    lane.send({ type: 'loop', occupied: false }); // the vehicle drives off meanwhile: suspended, nothing moves
    const ok = lane.send({ type: 'device-ok', device: 'cam-front' });
    expect(lane.state.phase).toBe('idle');
    expect(of(ok, 'actuate')).toEqual([secure()]);
  });

  it('still on the loop at resume: the close is requested (the interlocks defer it) before the waiting vehicle is served', () => {
    const lane = passing();
    lane.send({ type: 'device-fault', device: 'cam-front', reason: 'no frames' });
    const ok = lane.send({ type: 'device-ok', device: 'cam-front' });
    expect(of(ok, 'actuate')).toEqual([secure()]);
    expect(ok.findIndex((x) => x.type === 'actuate')).toBeLessThan(ok.findIndex((x) => x.type === 'open-read-window'));
    expect(lane.state.phase).toBe('reading'); // the vehicle on the loop gets a new passage, barrier down
  });

  it('an emergency: the close comes after the reset by a person', () => {
    const lane = passing();
    lane.send({ type: 'loop', occupied: false });
    // The loop cleared while passing: a normal completion closed it already, so emergency/reset add nothing.
    expect(lane.state.phase).toBe('idle');
    const lane2 = passing();
    expect(of(lane2.send({ type: 'emergency', active: true }), 'actuate')).toEqual([]);
    expect(of(lane2.send({ type: 'emergency', active: false }), 'actuate')).toEqual([]);
    expect(of(lane2.send({ type: 'reset', source: 'officer' }), 'actuate')).toEqual([secure()]);
  });

  it('a boom found open at start-up: closed at once when idle, on resume when suspended', () => {
    const idle = new VehicleLane();
    expect(of(idle.send({ type: 'found-open', target: 'barrier' }), 'actuate')).toEqual([secure('none')]);
    const faulted = new VehicleLane();
    faulted.send({ type: 'device-fault', device: 'boom', reason: 'plc heartbeat lost' });
    expect(of(faulted.send({ type: 'found-open', target: 'barrier' }), 'actuate')).toEqual([]);
    expect(of(faulted.send({ type: 'device-ok', device: 'boom' }), 'actuate')).toEqual([secure('none')]);
  });

  it('found open during a passage: closed when that passage ends', () => {
    const lane = new VehicleLane();
    lane.send({ type: 'loop', occupied: true }); // reading
    expect(of(lane.send({ type: 'found-open', target: 'barrier' }), 'actuate')).toEqual([]);
    const gone = lane.send({ type: 'loop', occupied: false }); // drove off during the read window
    expect(lane.state.phase).toBe('idle');
    expect(of(gone, 'actuate')).toEqual([secure('none')]);
  });
});
