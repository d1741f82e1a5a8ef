/**
 * A close the interlocks were holding back for a presence, dropped by a device fault, is asked for
 * again once every fault has cleared: through the interlocks, so never onto a presence.
 *
 * The first case replays, event for event, the vehicle lane's stream from the chaos run of
 * 2026-12-04 (seed 1584951485, `plc-restart`) that left the boom open on an idle lane: the link came
 * back while the lane still believed the vehicle was on the loop (stale), the lane's close was deferred,
 * the restarted PLC then reported its heartbeat fault for 80 ms (the fault dropped the deferred close),
 * the loop cleared, the fault cleared, the lane went idle, and nothing asked for the close again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { goodFacts, PEOPLE_WIRING, RunnerRig, VEHICLE_WIRING } from '../../unit/lane/runner/runner-rig.js';
import { SafetyTracker } from '../../../src/chaos/safety-tracker.js';

let rigs: RunnerRig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.runner.stop();
  rigs = [];
});

const VEHICLE = { vehicleId: 'v1', validFrom: null, validUntil: null, allowedDirections: ['entry' as const], matchDistance: 0 };
const CLEARED = { status: 'cleared' as const, cargoClass: 'general', labTestRequired: false, labTestStatus: null, validFrom: null, validUntil: null };

async function vehicleRig(): Promise<RunnerRig> {
  const rig = new RunnerRig({ wiring: VEHICLE_WIRING, facts: () => goodFacts({ credential: null, subject: null, vehicleByPlate: VEHICLE, vehicleByEpc: VEHICLE, cargo: CLEARED }) });
  rigs.push(rig);
  await rig.start();
  return rig;
}

/** Follows the rig's lane events with the chaos run's judge (1 s limit instead of 5 s). */
function judged(rig: RunnerRig): SafetyTracker {
  const t = new SafetyTracker(1_000);
  rig.runner.events.on('event', (e) => t.apply('vehicle', e));
  return t;
}

describe('lane runner: a deferred close dropped by a device fault is asked for again', () => {
  it('replay of the chaos run (seed 1584951485): the boom is closed once the loop is clear and the PLC fault gone', async () => {
    const rig = await vehicleRig();
    const safety = judged(rig);
    rig.inputs.presence('loop-1', false, 0);
    rig.inputs.position('boom', 'closed', 0);
    await rig.settle();
    // A granted vehicle; the boom starts opening.
    rig.inputs.presence('loop-1', true, 0);
    await rig.settle();
    rig.inputs.plate('front', { text: '29A12345', country: 'VN', confidence: 0.98 });
    rig.inputs.rfid({ epc: 'E2000017221101441890ABCD', tid: null });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:open']);
    rig.inputs.position('boom', 'opening', 0);
    await rig.settle();
    // The PLC's server stops: link lost, lane suspended, the boom as it is.
    rig.inputs.deviceFault('boom', 'connection lost', { interlock: true });
    await rig.advance(7_700);
    // Link back. The lane still believes the vehicle is on the loop: its close is deferred.
    rig.inputs.deviceOk('boom', { interlock: true });
    await rig.settle();
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBe('close');
    rig.inputs.position('boom', 'opened', 0);
    // The restarted PLC reports its heartbeat fault (it faulted during the outage): the deferred close is dropped.
    rig.inputs.deviceFault('boom:plc-fault', 'PLC fault 20', { interlock: true });
    await rig.settle();
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBeNull();
    rig.inputs.presence('loop-1', false, 0); // the vehicle had left during the outage
    await rig.advance(80);
    expect(rig.moves()).toEqual(['move:boom:open']); // faulted: nothing closes
    rig.inputs.deviceOk('boom:plc-fault', { interlock: true });
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
    expect(rig.moves()).toEqual(['move:boom:open', 'move:boom:close']);
    const types = rig.runner.events.recent(500).map((e) => e.type);
    expect(types.indexOf('close-owed')).toBeGreaterThan(-1);
    expect(types.indexOf('close-reasked')).toBeGreaterThan(types.indexOf('close-owed'));
    rig.inputs.position('boom', 'closing', 0);
    await rig.settle();
    safety.finish(rig.clock.now());
    expect(safety.violations).toEqual([]);
    expect(safety.leftOpen).toEqual([]);
  });

  it('the owed close still waits for the presence: the vehicle on the loop when the fault clears is never closed on', async () => {
    const rig = await vehicleRig();
    rig.inputs.position('boom', 'opened', 0); // found open at start, the loop not yet reported: deferred
    await rig.settle();
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBe('close');
    rig.inputs.deviceFault('boom:plc-fault', 'PLC fault 20', { interlock: true });
    rig.inputs.presence('loop-1', true, 0); // a vehicle drives on during the fault
    await rig.settle();
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBeNull();
    rig.inputs.deviceOk('boom:plc-fault', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual([]); // asked again, deferred again: the loop is still occupied
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBe('close');
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close']);
  });

  it('not while another fault remains, and not once someone opened the barrier since', async () => {
    const rig = await vehicleRig();
    rig.inputs.position('boom', 'opened', 0);
    await rig.settle();
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBe('close');
    rig.inputs.deviceFault('boom:plc-fault', 'PLC fault 20', { interlock: true });
    rig.inputs.deviceFault('lane-inputs', 'gpio lost', { interlock: true });
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    rig.inputs.deviceOk('boom:plc-fault', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual([]); // lane-inputs still faulted: nothing closes
    expect(rig.runner.events.recent(500).some((e) => e.type === 'close-owed')).toBe(true);
    // An officer opens the boom for an escort while the lane is down: their open supersedes the owed close.
    const r = await rig.runner.barrierCommand('boom', 'open', 'officer');
    expect(r.actuated).toEqual([{ barrier: 'boom', action: 'open' }]);
    rig.inputs.deviceOk('lane-inputs', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:open']);
  });

  it('people lane: the exit door held back for a person in the beam is closed after a beam-sensor fault, once the person has gone', async () => {
    const rig = new RunnerRig({ wiring: PEOPLE_WIRING });
    rigs.push(rig);
    await rig.start();
    for (const beam of ['entry-beam', 'exit-beam']) rig.inputs.presence(beam, false, 0);
    rig.inputs.position('entry-door', 'closed', 0);
    rig.inputs.presence('exit-beam', true, 0);
    rig.inputs.position('exit-door', 'opened', 0); // found open with a person in the doorway: deferred
    await rig.settle();
    expect(rig.runner.interlockState.barriers['exit-door']?.pendingClose).toBe('close');
    rig.inputs.deviceFault('beams', 'gpio lost', { interlock: true });
    await rig.settle();
    // Fail state of an egress door is open: held open, not owed (the machine releases the hold itself).
    expect(rig.moves()).toEqual(['move:entry-door:hold-open', 'move:exit-door:hold-open']);
    rig.inputs.presence('exit-beam', false, 0);
    rig.inputs.deviceOk('beams', { interlock: true });
    await rig.settle();
    expect(rig.moves().slice(2).sort()).toEqual(['move:entry-door:release-hold', 'move:exit-door:release-hold']);
  });

  it('a close deferred during the fault (the boom pushed back up by a vehicle while closing) is owed too when the loop clears before the fault does', async () => {
    const rig = await vehicleRig();
    rig.inputs.presence('loop-1', false, 0);
    rig.inputs.position('boom', 'opened', 0); // found open at start: closed at once
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close']);
    rig.inputs.deviceFault('boom:plc-fault', 'PLC fault 10', { interlock: true });
    rig.inputs.position('boom', 'closing', 0);
    await rig.settle();
    rig.inputs.presence('loop-1', true, 0); // a vehicle onto the loop while it closes: reopened (opening is always safe)
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close', 'move:boom:open']);
    expect(rig.runner.interlockState.barriers['boom']?.pendingClose).toBe('close');
    rig.inputs.position('boom', 'opened', 0);
    rig.inputs.presence('loop-1', false, 0); // cleared while still faulted: the machine refuses and forgets the close
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close', 'move:boom:open']);
    rig.inputs.deviceOk('boom:plc-fault', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close', 'move:boom:open', 'move:boom:close']);
  });
});
