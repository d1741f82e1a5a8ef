import { describe, expect, it } from 'vitest';
import { VehicleLane, facts, of } from './fixtures.js';

/**
 * An officer who decided against passing has attended: the hold ends with their journaled decision,
 * the vehicle leaving the loop ends the passage, and no officer-not-attended alarm is raised.
 */
function heldVehicle(): VehicleLane {
  const lane = new VehicleLane();
  lane.arrive();
  lane.send({ type: 'facts', passage: 'v1', facts: facts({ vehicleByEpc: null }) }); // tag not registered: refer
  lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-1', seq: 1 });
  expect(lane.state.phase).toBe('held');
  return lane;
}

describe('vehicle lane: an officer refuses a held vehicle', () => {
  it('deny: journaled, then "reverse out" with the barrier down; the loop clearing ends the passage', () => {
    const lane = heldVehicle();
    const o = lane.send({ type: 'officer-override', officerId: 'officer-3', outcome: 'deny', reason: 'no cargo papers', source: 'lanectl' });
    expect(of(o, 'journal')[0]?.record).toMatchObject({ outcome: 'deny', officerId: 'officer-3', evidence: { supersedes: 'j-1' } });
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-2', seq: 2 });
    expect(of(j, 'display')).toEqual([{ type: 'display', screen: 'vehicle-stop', reason: 'reverse-out' }]);
    expect(of(j, 'actuate')).toEqual([]);
    expect(lane.state.phase).toBe('leaving');
    const gone = lane.send({ type: 'loop', occupied: false });
    expect(of(gone, 'actuate')).toEqual([]); // the barrier never opened: nothing to close
    expect(of(gone, 'alarm')).toEqual([]);
    expect(of(gone, 'display')[0]?.screen).toBe('vehicle-advance');
    expect(lane.state.phase).toBe('idle');
    expect(lane.state.passage).toBeNull();
    // The next vehicle starts a new passage.
    expect(of(lane.send({ type: 'loop', occupied: true }), 'open-read-window')[0]?.passage).toBe('v2');
  });

  it('deny, and the vehicle does not move: the passage ends after passMs without an officer-not-attended alarm', () => {
    const lane = heldVehicle();
    lane.send({ type: 'officer-override', officerId: 'officer-3', outcome: 'deny', reason: 'no cargo papers', source: 'mqtt' });
    lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-2', seq: 2 });
    const t = lane.timeout();
    expect(t.filter((e) => e.type === 'alarm')).toEqual([]);
    expect(of(t, 'display')[0]?.screen).toBe('vehicle-stop'); // still on the loop
    expect(lane.state.phase).toBe('idle');
    expect(lane.all.filter((e) => e.type === 'alarm' && e.kind === 'officer-not-attended')).toEqual([]);
  });

  it('refer by an officer: "wait for an officer", no alarm at the timeout, the loop clearing ends it', () => {
    const lane = heldVehicle();
    lane.send({ type: 'officer-override', officerId: 'officer-3', outcome: 'refer', reason: 'to the inspection bay', source: 'lanectl' });
    const j = lane.send({ type: 'journaled', passage: 'v1', passageId: 'j-2', seq: 2 });
    expect(of(j, 'display')[0]?.screen).toBe('wait-officer');
    expect(lane.state.phase).toBe('held');
    lane.send({ type: 'loop', occupied: false });
    expect(lane.state.phase).toBe('idle');

    const again = heldVehicle();
    again.send({ type: 'officer-override', officerId: 'officer-3', outcome: 'refer', reason: 'to the inspection bay', source: 'lanectl' });
    again.send({ type: 'journaled', passage: 'v1', passageId: 'j-2', seq: 2 });
    expect(again.timeout().filter((e) => e.type === 'alarm')).toEqual([]);
    expect(again.state.phase).toBe('idle');
  });

  it('nobody acts: the loop clearing does not end the hold, and the timeout raises officer-not-attended', () => {
    const lane = heldVehicle();
    lane.send({ type: 'loop', occupied: false });
    expect(lane.state.phase).toBe('held');
    expect(of(lane.timeout(), 'alarm')[0]).toMatchObject({ kind: 'officer-not-attended' });
  });
});
