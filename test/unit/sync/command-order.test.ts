import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandSigner } from '../../../src/sync/central-sim/command-signer.js';
import { CommandIntake } from '../../../src/sync/commands/command-intake.js';
import { CommandLog } from '../../../src/sync/commands/command-log.js';
import { orderGroupOf } from '../../../src/sync/commands/command-order.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from '../../../src/sync/commands/lane-command-handler.js';
import { DEFAULT_SYNC_TUNING } from '../../../src/sync/sync-tuning.js';
import { LaneTopics } from '../../../src/sync/topics.js';
import { COMMAND_NAMES } from '../../../src/sync/wire/down-messages.js';
import type { CmdResult } from '../../../src/sync/wire/up-messages.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { startAedes } from '../../helpers/aedes-broker.js';
import { trackHandles } from '../../helpers/leaks.js';
import { expectWireValid } from './support/json-schema-check.js';
import { openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, makeLink, RecordingHandler as RigHandler, startValidatingCentral } from './support/link-rig.js';

/**
 * Issue-order rule (src/sync/commands/command-order.ts): within a group, a command issued before the
 * last one taken for execution is `superseded`; across groups and for exempt commands, arrival order
 * stands. Real SQLite store; the restart case reopens the same database file; the last case runs
 * through a real broker (aedes) and the central simulator.
 */

const LANE = 'p-entry-03';
const keys = generateKeyPairSync('ed25519');
const topics = new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: LANE });
const T0 = Date.UTC(2026, 2, 1, 8);
const MIN = 60_000;

class RecordingHandler implements LaneCommandHandler {
  executed: LaneCommand[] = [];
  next: HandlerResult = { status: 'done' };
  async execute(cmd: LaneCommand): Promise<HandlerResult> {
    this.executed.push(cmd);
    return this.next;
  }
}

const stores: TempStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function rig(clock: FakeClock, dir?: string) {
  const temp = await openTempStore({ clock, lane: LANE, dir });
  stores.push(temp);
  const handler = new RecordingHandler();
  const published: CmdResult[] = [];
  const commandLog = new CommandLog(temp.store.database);
  const intake = new CommandIntake({
    topics,
    keys: [keys.publicKey],
    commandLog,
    handler,
    clock,
    tuning: DEFAULT_SYNC_TUNING,
    log: pino({ level: 'silent' }),
    publish: async (_topic, result) => {
      expectWireValid('cmd-result', result);
      published.push(result);
    },
  });
  const signer = new CommandSigner(keys.privateKey, 'mongcai', () => clock.now());
  /** Signs `name` issued at T0 + offset and delivers it now. */
  const send = (name: string, args: Record<string, unknown>, issuedOffsetMs: number, ttlMs = 300_000) => {
    const cmd = signer.sign(LANE, name, args, { issuedAt: T0 + issuedOffsetMs, ttlMs });
    return { cmd, result: intake.handle(name, Buffer.from(JSON.stringify(cmd.payload))) };
  };
  return { temp, handler, published, commandLog, intake, send };
}

describe('command issue order', () => {
  it('groups: barrier (open, close, hold-open), mode (set-mode); the rest exempt', () => {
    const groups = Object.fromEntries(COMMAND_NAMES.map((n) => [n, orderGroupOf(n)]));
    expect(groups).toEqual({
      open: 'barrier',
      close: 'barrier',
      'hold-open': 'barrier',
      'set-mode': 'mode',
      snapshot: null,
      'sync-now': null,
      'reload-config': null,
      'send-evidence': null,
    });
  });

  it('an older barrier command after a newer one of another barrier command is superseded, with a clear reason', async () => {
    const clock = new FakeClock(T0 + 2 * MIN);
    const { handler, send } = await rig(clock);
    expect(await send('close', {}, 1 * MIN).result).toMatchObject({ status: 'accepted' });
    const late = await send('open', { reason: 'late' }, 0).result;
    expect(late).toMatchObject({ status: 'rejected', reason: 'superseded', name: 'open' });
    expect(late.detail).toContain('before the last barrier command');
    expect(late.detail).toContain('2026-03-01T08:01:00.000Z');
    // A newer one still runs; so does one issued in the same millisecond as the mark (no order to enforce).
    expect(await send('hold-open', { seconds: 5 }, 2 * MIN).result).toMatchObject({ status: 'accepted' });
    expect(await send('close', {}, 2 * MIN).result).toMatchObject({ status: 'accepted' });
    expect(handler.executed.map((c) => c.name)).toEqual(['close', 'hold-open', 'close']);
  });

  it('groups are independent, and exempt commands run in arrival order', async () => {
    const clock = new FakeClock(T0 + 2 * MIN);
    const { handler, send } = await rig(clock);
    expect(await send('set-mode', { mode: 'normal' }, 1 * MIN).result).toMatchObject({ status: 'accepted' });
    // An older barrier command is not compared with a set-mode.
    expect(await send('open', {}, 0).result).toMatchObject({ status: 'accepted' });
    expect(await send('reload-config', {}, 1 * MIN).result).toMatchObject({ status: 'accepted' });
    expect(await send('reload-config', {}, 0).result).toMatchObject({ status: 'accepted' });
    expect(await send('snapshot', {}, 0).result).toMatchObject({ status: 'accepted' });
    expect(handler.executed.map((c) => c.name)).toEqual(['set-mode', 'open', 'reload-config', 'reload-config', 'snapshot']);
  });

  it('a command refused by the handler (interlock) still moves the mark: the later intent stands', async () => {
    const clock = new FakeClock(T0 + 2 * MIN);
    const { handler, send } = await rig(clock);
    handler.next = { status: 'rejected', reason: 'interlock', detail: 'lane occupied' };
    expect(await send('set-mode', { mode: 'normal' }, 1 * MIN).result).toMatchObject({ status: 'rejected', reason: 'interlock' });
    handler.next = { status: 'done' };
    expect(await send('set-mode', { mode: 'locked' }, 0).result).toMatchObject({ status: 'rejected', reason: 'superseded' });
    expect(handler.executed.map((c) => c.args)).toEqual([{ mode: 'normal' }]);
  });

  it('a redelivered superseded command is answered replayed with the superseded first result', async () => {
    const clock = new FakeClock(T0 + 2 * MIN);
    const { handler, send, intake } = await rig(clock);
    await send('set-mode', { mode: 'normal' }, 1 * MIN).result;
    const { cmd, result } = send('set-mode', { mode: 'locked' }, 0);
    expect(await result).toMatchObject({ reason: 'superseded' });
    const again = await intake.handle('set-mode', Buffer.from(JSON.stringify(cmd.payload)));
    expect(again).toMatchObject({ status: 'rejected', reason: 'replayed', firstResult: { status: 'rejected', reason: 'superseded' } });
    expect(handler.executed).toHaveLength(1);
  });

  it('the rule survives a restart and the pruning of the newer command id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-cmd-order-'));
    dirs.push(dir);
    const clock = new FakeClock(T0 + 2 * MIN);
    const first = await rig(clock, dir);
    // The newer command is short-lived; the older one was issued with a long validity.
    expect(await first.send('set-mode', { mode: 'normal' }, 1 * MIN, 60_000).result).toMatchObject({ status: 'accepted' });
    await first.intake.stop();
    await first.temp.close();
    stores.splice(stores.indexOf(first.temp), 1);

    // Restarted lane, three hours later: the newer id is past expiry + margin and pruned.
    clock.advance(3 * 3600_000);
    const second = await rig(clock, dir);
    expect(second.commandLog.prune(clock.now())).toBe(1);
    expect(second.commandLog.count()).toBe(0);
    const late = await second.send('set-mode', { mode: 'locked' }, 0, 12 * 3600_000).result;
    expect(late).toMatchObject({ status: 'rejected', reason: 'superseded' });
    expect(second.handler.executed).toEqual([]);
    // And a genuinely newer command still runs after the restart.
    expect(await second.send('set-mode', { mode: 'maintenance' }, 3 * 3600_000).result).toMatchObject({ status: 'accepted' });
    expect(second.handler.executed.map((c) => c.args)).toEqual([{ mode: 'maintenance' }]);
  });
});

describe('command issue order over a real broker (aedes, central-sim)', () => {
  it('the late, older set-mode comes back on cmd-result as superseded and is not executed', async () => {
    const leaks = trackHandles();
    const central = centralKeys();
    const broker = await startAedes();
    const temp = await openTempStore({ lane: LANE });
    const sim = await startValidatingCentral(broker.url, central.privateKey);
    const handler = new RigHandler();
    const { link } = makeLink({ url: broker.url, temp, publicKeyBase64: central.publicKeyBase64, handler });
    try {
      await link.start();
      await sim.central.waitFor(() => sim.central.states.get(LANE)?.state === 'online', 10_000, 'online');
      const now = Date.now();
      const signer = new CommandSigner(central.privateKey, 'mongcai');
      const older = signer.sign(LANE, 'set-mode', { mode: 'locked', reason: 'incident' }, { issuedAt: now - MIN });
      const newer = signer.sign(LANE, 'set-mode', { mode: 'normal', reason: 'all clear' }, { issuedAt: now });
      expect(await sim.central.publishCommandPayload(LANE, 'set-mode', JSON.stringify(newer.payload), newer.payload.id)).toMatchObject({ status: 'accepted' });
      const late = await sim.central.publishCommandPayload(LANE, 'set-mode', JSON.stringify(older.payload), older.payload.id);
      expect(late).toMatchObject({ status: 'rejected', reason: 'superseded', id: older.payload.id });
      expect(handler.executed.map((c) => c.args)).toEqual([{ mode: 'normal', reason: 'all clear' }]);
    } finally {
      await link.stop();
      await sim.central.stop();
      await temp.close();
      await broker.close();
    }
    expect(sim.invalid, 'every upward message matches its JSON Schema').toEqual([]);
    await leaks.assertNoneLeft();
  });
});
