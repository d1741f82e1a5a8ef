import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeIo } from '../../../../drivers/io/fake-io.js';
import { request } from '../../../../src/control/client.js';
import { RunnerLaneControl } from '../../../../src/lane/runner/lane-control-impl.js';
import { systemClock } from '../../../../src/util/clock.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { FakeContext, startServer, tempDir } from '../../control/harness.js';
import { RunnerRig } from './runner-rig.js';

/** The lane runner's lanectl commands over a real control socket, against a runner on fakes. */
let dir: { dir: string; cleanup: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.cleanup();
});

async function rigged() {
  const rig = new RunnerRig();
  await rig.start();
  rig.inputs.presence('entry-beam', false, 0);
  rig.inputs.presence('exit-beam', false, 0);
  await rig.settle();
  const context = new FakeContext();
  context.laneControl = new RunnerLaneControl(rig.runner, () => false);
  const io = new FakeIo(
    { type: 'fake-io', name: 'lane-io', lines: [{ name: 'exit-beam', direction: 'in', activeLow: false }, { name: 'lamp', direction: 'out', activeLow: false }] },
    { clock: systemClock, log: pino({ level: 'silent' }) },
  );
  await io.open();
  context.deviceList = [{ name: 'lane-io', type: 'fake-io', kind: 'io', health: () => ({ state: 'ok', since: 0, reconnects: 0, lastError: null, counters: {} }), driver: io }];
  const running = await startServer(dir.dir, { context });
  return { rig, io, ...running };
}

const call = (socket: string, cmd: string, args: Record<string, unknown> = {}) => request(socket, cmd, args).catch((err: unknown) => err as Error);

describe('lane runner lanectl commands', () => {
  it('open, close, hold-open, mode, override, reset, events tail, test barrier, sim input', async () => {
    const leaks = trackHandles();
    const { rig, io, server, socketPath } = await rigged();
    try {
      expect(await call(socketPath, 'open', { barrier: 'exit-door', as: 'tech-1' })).toMatchObject({ accepted: true });
      await rig.settle();
      expect(rig.moves()).toEqual(['move:exit-door:open']);
      // Someone in the exit beam: the close is accepted but deferred, nothing moves yet.
      rig.inputs.presence('exit-beam', true, 0);
      await rig.settle();
      expect(await call(socketPath, 'close', { barrier: 'exit-door', as: 'tech-1' })).toMatchObject({ accepted: true, detail: expect.stringContaining('deferred') });
      expect(rig.moves()).toEqual(['move:exit-door:open']);
      rig.inputs.presence('exit-beam', false, 0);
      await rig.settle();
      expect(rig.moves()).toEqual(['move:exit-door:open', 'move:exit-door:close']);

      expect(await call(socketPath, 'hold-open', { barrier: 'entry-door', as: 'tech-1' })).toMatchObject({ accepted: true });
      expect(await call(socketPath, 'hold-open', { barrier: 'entry-door', as: 'tech-1', release: true })).toMatchObject({ accepted: true });
      expect(await call(socketPath, 'open', { barrier: 'nope', as: 'tech-1' })).toMatchObject({ accepted: false, reason: 'unknown-barrier' });
      expect(await call(socketPath, 'open', { barrier: 'exit-door' })).toMatchObject({ code: 'bad_request' });

      expect(await call(socketPath, 'override', { outcome: 'grant', as: 'officer-2', reason: 'manual check' })).toMatchObject({ accepted: false, reason: 'no-passage' });
      expect(await call(socketPath, 'reset', { as: 'tech-1' })).toMatchObject({ accepted: false, reason: 'nothing-to-reset' });

      rig.autoPosition = true;
      expect(await call(socketPath, 'test barrier', { barrier: 'exit-door', as: 'tech-1', timeoutSeconds: 5 })).toMatchObject({ code: 'lane_busy' });
      expect(await call(socketPath, 'mode', { mode: 'maintenance', as: 'tech-1' })).toMatchObject({ accepted: true });
      expect(await call(socketPath, 'test barrier', { barrier: 'exit-door', as: 'tech-1', timeoutSeconds: 5 })).toMatchObject({ ok: true, barrier: 'exit-door', problem: null });

      const tail = (await call(socketPath, 'events tail', { n: 200 })) as { events: Array<{ type: string; detail: Record<string, unknown> }> };
      expect(tail.events.some((e) => e.type === 'action' && e.detail.action === 'set-mode' && e.detail.actorId === 'tech-1')).toBe(true);
      expect(tail.events.some((e) => e.type === 'deferred' && e.detail.barrier === 'exit-door')).toBe(true);

      expect(await call(socketPath, 'sim input', { line: 'exit-beam', value: true })).toEqual({ device: 'lane-io', line: 'exit-beam', value: true });
      expect(await io.read('exit-beam')).toBe(true);
      expect(await call(socketPath, 'sim input', { line: 'lamp', value: true })).toMatchObject({ code: 'bad_request' });
      expect(await call(socketPath, 'sim input', { line: 'ghost', value: true })).toMatchObject({ code: 'unknown_line' });
    } finally {
      await server.stop();
      await io.close();
      await rig.runner.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('says clearly when the lane runs no flow', async () => {
    const context = new FakeContext();
    const { server, socketPath } = await startServer(dir.dir, { context });
    try {
      expect(await call(socketPath, 'mode', { mode: 'closed', as: 'tech-1' })).toMatchObject({ code: 'no_flow' });
    } finally {
      await server.stop();
    }
  });
});
