/**
 * After a restart (kill -9, power loss) the daemon starts idle, yet a door or the boom may still be
 * open from before. The first position a barrier reports after start, when open, is closed through the
 * interlocks: deferred while its presence inputs are active or not yet reported, never around them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RunnerRig, VEHICLE_WIRING } from './runner-rig.js';

let rigs: RunnerRig[] = [];
afterEach(async () => {
  for (const r of rigs) await r.runner.stop();
  rigs = [];
});

async function started(rig: RunnerRig): Promise<RunnerRig> {
  rigs.push(rig);
  await rig.start();
  return rig;
}

describe('lane runner: a barrier found open at start-up', () => {
  it('vehicle: the boom reported opened is closed once the loop is known clear', async () => {
    const rig = await started(new RunnerRig({ wiring: VEHICLE_WIRING }));
    rig.inputs.position('boom', 'opened', 0);
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('idle');
    expect(rig.moves()).toEqual([]); // the loop has not reported yet: unknown counts as occupied
    expect(rig.runner.events.recent(500).some((e) => e.type === 'deferred' && e.detail.barrier === 'boom')).toBe(true);
    rig.inputs.presence('loop-1', true, 0); // a vehicle under the boom: the close still waits
    await rig.settle();
    expect(rig.moves()).toEqual([]);
    rig.inputs.presence('loop-1', false, 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close']);
    expect(rig.runner.events.recent(500).some((e) => e.type === 'found-open' && e.detail.barrier === 'boom')).toBe(true);
  });

  it('people: only the door reported open is closed, after its beam reports clear', async () => {
    const rig = await started(new RunnerRig());
    rig.inputs.position('entry-door', 'closed', 0);
    rig.inputs.position('exit-door', 'opened', 0);
    await rig.settle();
    expect(rig.moves()).toEqual([]);
    rig.inputs.presence('entry-beam', false, 0);
    await rig.settle();
    expect(rig.moves()).toEqual([]); // the exit beam is still unknown
    rig.inputs.presence('exit-beam', false, 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:exit-door:close']);
  });

  it('a lane faulted at start closes the boom when the fault clears, not during it', async () => {
    const rig = await started(new RunnerRig({ wiring: VEHICLE_WIRING }));
    rig.inputs.presence('loop-1', false, 0);
    rig.inputs.deviceFault('boom', 'plc heartbeat lost', { interlock: true });
    rig.inputs.position('boom', 'opened', 0);
    await rig.settle();
    expect(rig.runner.flowState.phase).toBe('suspended');
    expect(rig.moves()).toEqual([]); // faulted: the vehicle barrier stays as it is
    rig.inputs.deviceOk('boom', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close']);
  });

  it('only the first report counts: a barrier opened later (an officer, MQTT) is not closed behind their back', async () => {
    const rig = await started(new RunnerRig({ wiring: VEHICLE_WIRING }));
    rig.inputs.presence('loop-1', false, 0);
    rig.inputs.position('boom', 'closed', 0);
    await rig.settle();
    await rig.runner.barrierCommand('boom', 'open', 'officer');
    rig.inputs.position('boom', 'opened', 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:open']);
  });

  it('a barrier this process moved before its first report is not "found" open', async () => {
    const rig = await started(new RunnerRig({ wiring: VEHICLE_WIRING }));
    rig.inputs.presence('loop-1', false, 0);
    await rig.runner.barrierCommand('boom', 'open', 'mqtt'); // no position reported yet
    rig.inputs.position('boom', 'opened', 0);
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:open']);
  });
  it('a barrier that lost its link (PLC restart) and comes back opened on an idle lane is closed once the fault clears', async () => {
    const rig = await started(new RunnerRig({ wiring: VEHICLE_WIRING }));
    rig.inputs.presence('loop-1', false, 0);
    rig.inputs.position('boom', 'closed', 0);
    await rig.settle();
    rig.inputs.deviceFault('boom', 'plc heartbeat lost', { interlock: true });
    await rig.settle();
    rig.inputs.position('boom', 'opened', 0); // the restarted PLC reports the boom up
    await rig.settle();
    expect(rig.moves()).toEqual([]); // faulted: as it is
    rig.inputs.deviceOk('boom', { interlock: true });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:boom:close']);
  });
});
