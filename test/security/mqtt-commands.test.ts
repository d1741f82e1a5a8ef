import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandSigner } from '../../src/sync/central-sim/command-signer.js';
import { CommandIntake } from '../../src/sync/commands/command-intake.js';
import { CommandLog } from '../../src/sync/commands/command-log.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from '../../src/sync/commands/lane-command-handler.js';
import { DEFAULT_SYNC_TUNING } from '../../src/sync/sync-tuning.js';
import { LaneTopics } from '../../src/sync/topics.js';
import { FakeClock } from '../../src/util/fake-clock.js';
import { openTempStore, type TempStore } from '../unit/sync/support/lane-store.js';

/**
 * Issue 10, security: MQTT commands that are unsigned, signed with the wrong key, expired, replayed or
 * reordered are rejected and never executed. This runs them all through the real intake (verify -> replay
 * log in a real SQLite store -> handler) in one place. The single-check details are in
 * test/unit/sync/command-verify.test.ts and command-intake.test.ts; what is new here is the reordering:
 * a signature swapped between two commands, a command moved to another command's topic or another lane,
 * and an older command delivered after a newer one.
 */

const LANE = 'p-entry-03';
const central = generateKeyPairSync('ed25519');
const attacker = generateKeyPairSync('ed25519');
const topics = new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: LANE });

class RecordingHandler implements LaneCommandHandler {
  executed: LaneCommand[] = [];
  async execute(cmd: LaneCommand): Promise<HandlerResult> {
    this.executed.push(cmd);
    return { status: 'done', detail: 'ok' };
  }
}

let temp: TempStore | null = null;
afterEach(async () => {
  await temp?.close();
  temp = null;
});

async function rig() {
  const clock = new FakeClock(Date.UTC(2026, 2, 1, 8));
  temp = await openTempStore({ clock, lane: LANE });
  const handler = new RecordingHandler();
  const intake = new CommandIntake({
    topics,
    keys: [central.publicKey],
    commandLog: new CommandLog(temp.store.database),
    handler,
    clock,
    tuning: DEFAULT_SYNC_TUNING,
    log: pino({ level: 'silent' }),
    publish: async () => undefined,
  });
  const signer = new CommandSigner(central.privateKey, 'mongcai', () => clock.now());
  return { clock, handler, intake, signer };
}

const bytes = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('MQTT commands: hostile deliveries are rejected, never executed', () => {
  it('unsigned, wrong key, expired and replayed', async () => {
    const { intake, handler, signer, clock } = await rig();
    const good = signer.sign(LANE, 'open', { reason: 'officer' });
    const { sig: _sig, ...unsigned } = good.payload;
    const forged = new CommandSigner(attacker.privateKey, 'mongcai', () => clock.now()).sign(LANE, 'open', {});
    const expired = signer.sign(LANE, 'open', {}, { issuedAt: clock.now() - 600_000, ttlMs: 300_000 });

    expect(await intake.handle('open', bytes(unsigned))).toMatchObject({ status: 'rejected', reason: 'schema-violation' });
    expect(await intake.handle('open', bytes({ ...good.payload, sig: '' }))).toMatchObject({ status: 'rejected' });
    expect(await intake.handle('open', bytes(forged.payload))).toMatchObject({ status: 'rejected', reason: 'bad-signature' });
    expect(await intake.handle('open', bytes(expired.payload))).toMatchObject({ status: 'rejected', reason: 'expired' });
    expect(handler.executed).toEqual([]);

    expect(await intake.handle('open', bytes(good.payload))).toMatchObject({ status: 'accepted' });
    expect(await intake.handle('open', bytes(good.payload))).toMatchObject({ status: 'rejected', reason: 'replayed' });
    expect(handler.executed.map((c) => c.id)).toEqual([good.payload.id]);
  });

  it('reordered parts: a signature moved to another command, a command moved to another topic or lane', async () => {
    const { intake, handler, signer } = await rig();
    const open = signer.sign(LANE, 'open', { reason: 'a' });
    const close = signer.sign(LANE, 'close', { reason: 'b' });
    const otherLane = signer.sign('p-entry-04', 'open', {});
    // Two valid commands with their signatures swapped.
    expect(await intake.handle('open', bytes({ ...open.payload, sig: close.payload.sig }))).toMatchObject({ reason: 'bad-signature' });
    // Args swapped between two commands.
    expect(await intake.handle('close', bytes({ ...close.payload, args: open.payload.args }))).toMatchObject({ reason: 'bad-signature' });
    // A valid `close` published on cmd/open, and a command signed for another lane.
    expect(await intake.handle('open', bytes(close.payload))).toMatchObject({ reason: 'bad-signature' });
    expect(await intake.handle('open', bytes(otherLane.payload))).toMatchObject({ reason: 'bad-signature' });
    expect(handler.executed).toEqual([]);
  });

  // An older command delivered after a newer one of the same group is `superseded` (src/sync/commands/command-order.ts;
  // groups, restart and pruning cases in test/unit/sync/command-order.test.ts).
  it('reordered delivery: a command issued before the last executed one of the same group is rejected', async () => {
    const { intake, handler, signer, clock } = await rig();
    const older = signer.sign(LANE, 'set-mode', { mode: 'locked', reason: 'incident' }, { issuedAt: clock.now() - 60_000 });
    const newer = signer.sign(LANE, 'set-mode', { mode: 'normal', reason: 'all clear' });
    expect(await intake.handle('set-mode', bytes(newer.payload))).toMatchObject({ status: 'accepted' });
    const late = await intake.handle('set-mode', bytes(older.payload));
    expect(late).toMatchObject({ status: 'rejected', reason: 'superseded' });
    expect(handler.executed.map((c) => c.args)).toEqual([{ mode: 'normal', reason: 'all clear' }]);
  });
});
