import { afterEach, describe, expect, it } from 'vitest';
import { RunnerLaneControl } from '../../../../src/lane/runner/lane-control-impl.js';
import { createMqttActuatorHandler } from '../../../../src/lane/runner/mqtt-commands.js';
import { createBasicCommandHandler } from '../../../../src/sync/commands/basic-command-handler.js';
import type { LaneCommand } from '../../../../src/sync/commands/lane-command-handler.js';
import { RunnerRig } from './runner-rig.js';

/** MQTT actuator commands reach the doors only through the interlocks, as the central system's actions. */
let rig: RunnerRig;
afterEach(async () => {
  await rig.runner.stop();
});

async function setup() {
  rig = new RunnerRig();
  await rig.start();
  rig.inputs.presence('entry-beam', false, 0);
  rig.inputs.presence('exit-beam', false, 0);
  await rig.settle();
  const lane = new RunnerLaneControl(rig.runner, () => false);
  const actuators = createMqttActuatorHandler({ lane, passBarrier: 'exit-door', clock: rig.clock });
  rig.runner.onStop(() => actuators.stop());
  const handler = createBasicCommandHandler({ link: () => null, reloadConfig: async () => ({ ok: true, applied: [], needsRestart: [], errors: [] }), actuators });
  return { handler, lane };
}

const cmd = <N extends LaneCommand['name']>(name: N, args: Extract<LaneCommand, { name: N }>['args']): LaneCommand =>
  ({ id: 'c-1', name, args, issuedAt: 0, expiresAt: 1 }) as LaneCommand;

describe('MQTT actuator commands', () => {
  it('open / hold-open / set-mode go through the interlocks and are recorded as the central system', async () => {
    const { handler, lane } = await setup();
    expect(await handler.execute(cmd('open', { reason: 'officer request' }))).toMatchObject({ status: 'done' });
    await rig.settle();
    expect(rig.moves()).toEqual(['move:exit-door:open']);
    expect(rig.published.some((p) => p.topic === 'event/lane-action' && (p.payload as { actorSource: string; actorId: string }).actorId === 'central-c-1')).toBe(true);

    expect(await handler.execute(cmd('hold-open', { seconds: 5 }))).toMatchObject({ status: 'done' });
    rig.inputs.presence('exit-beam', true, 0);
    await rig.advance(6_000);
    expect(rig.moves()).toEqual(['move:exit-door:open', 'move:exit-door:hold-open']); // release deferred: someone in the beam
    rig.inputs.presence('exit-beam', false, 0);
    await rig.settle();
    expect(rig.moves().at(-1)).toBe('move:exit-door:release-hold');

    expect(await handler.execute(cmd('set-mode', { mode: 'locked' }))).toMatchObject({ status: 'done' });
    expect(lane.snapshot().mode).toBe('closed');
  });

  it('a close the interlocks refuse is answered rejected: interlock, and nothing moves', async () => {
    const { handler } = await setup();
    rig.inputs.emergency('fire', true, 0);
    await rig.settle();
    const before = rig.moves().length;
    expect(await handler.execute(cmd('close', {}))).toMatchObject({ status: 'rejected', reason: 'interlock', detail: expect.stringContaining('emergency') });
    await rig.settle();
    expect(rig.moves().length).toBe(before);
  });
});
