import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandSigner } from '../../../src/sync/central-sim/command-signer.js';
import { CommandIntake } from '../../../src/sync/commands/command-intake.js';
import { CommandLog, INTERRUPTED_DETAIL } from '../../../src/sync/commands/command-log.js';
import type { HandlerResult, LaneCommand, LaneCommandHandler } from '../../../src/sync/commands/lane-command-handler.js';
import { DEFAULT_SYNC_TUNING } from '../../../src/sync/sync-tuning.js';
import { LaneTopics } from '../../../src/sync/topics.js';
import type { CmdResult } from '../../../src/sync/wire/up-messages.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { expectWireValid } from './support/json-schema-check.js';
import { openTempStore, type TempStore } from './support/lane-store.js';

const keys = generateKeyPairSync('ed25519');
const topics = new LaneTopics({ prefix: 'bg/v1', site: 'mongcai', lane: 'p-entry-03' });
const silent = pino({ level: 'silent' });

class RecordingHandler implements LaneCommandHandler {
  executed: LaneCommand[] = [];
  next: HandlerResult = { status: 'done', detail: 'ok' };
  async execute(cmd: LaneCommand): Promise<HandlerResult> {
    this.executed.push(cmd);
    return this.next;
  }
}

let temp: TempStore | null = null;
afterEach(async () => {
  await temp?.close();
  temp = null;
});

async function setup(clock = new FakeClock(Date.UTC(2026, 2, 1, 8))) {
  temp ??= await openTempStore({ clock });
  const handler = new RecordingHandler();
  const published: { topic: string; result: CmdResult }[] = [];
  const log = new CommandLog(temp.store.database);
  const intake = new CommandIntake({
    topics,
    keys: [keys.publicKey],
    commandLog: log,
    handler,
    clock,
    tuning: DEFAULT_SYNC_TUNING,
    log: silent,
    publish: async (topic, result) => {
      expectWireValid('cmd-result', result);
      published.push({ topic, result });
    },
  });
  const signer = new CommandSigner(keys.privateKey, 'mongcai', () => clock.now());
  return { clock, handler, published, log, intake, signer };
}

const bytes = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('command intake', () => {
  it('executes a valid command once and publishes the outcome to cmd-result/{id}', async () => {
    const { intake, handler, published, signer } = await setup();
    const cmd = signer.sign('p-entry-03', 'set-mode', { mode: 'maintenance' });
    handler.next = { status: 'done', detail: 'mode maintenance', data: { mode: 'maintenance' } };
    const result = await intake.handle('set-mode', bytes(cmd.payload));
    expect(handler.executed).toHaveLength(1);
    expect(handler.executed[0]).toMatchObject({ id: cmd.payload.id, name: 'set-mode', args: { mode: 'maintenance' } });
    expect(result).toMatchObject({ status: 'accepted', outcome: { result: 'done', data: { mode: 'maintenance' } } });
    expect(published.map((p) => p.topic)).toEqual([`bg/v1/mongcai/p-entry-03/cmd-result/${cmd.payload.id}`]);
  });

  it('never executes a replay, also after a restart, and answers with the first result', async () => {
    const first = await setup();
    const cmd = first.signer.sign('p-entry-03', 'open', {});
    await first.intake.handle('open', bytes(cmd.payload));
    const again = await first.intake.handle('open', bytes(cmd.payload));
    expect(again).toMatchObject({ status: 'rejected', reason: 'replayed', firstResult: { status: 'accepted', outcome: { result: 'done' } } });
    // "Restart": a new intake and command log on the same database.
    const second = await setup(first.clock);
    const afterRestart = await second.intake.handle('open', bytes(cmd.payload));
    expect(afterRestart).toMatchObject({ status: 'rejected', reason: 'replayed' });
    expect(first.handler.executed.length + second.handler.executed.length).toBe(1);
  });

  it('rejects an id reused for different content without the first result', async () => {
    const { intake, handler, signer } = await setup();
    const a = signer.sign('p-entry-03', 'open', {}, { id: 'same-id' });
    const b = signer.sign('p-entry-03', 'close', {}, { id: 'same-id' });
    await intake.handle('open', bytes(a.payload));
    const r = await intake.handle('close', bytes(b.payload));
    expect(r).toMatchObject({ status: 'rejected', reason: 'replayed' });
    expect(r.firstResult).toBeUndefined();
    expect(r.detail).toMatch(/different command/);
    expect(handler.executed.map((c) => c.name)).toEqual(['open']);
  });

  it('executes nothing for malformed, unsigned, expired or unknown commands and says why', async () => {
    const { intake, handler, published, signer, clock } = await setup();
    const cases: [string, Buffer, string][] = [
      ['open', Buffer.from('not json'), 'malformed-json'],
      ['open', bytes({ id: 'c1', issuedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now() + 1000).toISOString(), args: {} }), 'schema-violation'],
      ['open', bytes(signer.sign('p-entry-03', 'open', {}, { issuedAt: clock.now() - 3_600_000 }).payload), 'expired'],
      ['launch', bytes(signer.sign('p-entry-03', 'launch', {}).payload), 'unknown-command'],
      ['open', Buffer.alloc(DEFAULT_SYNC_TUNING.maxCommandBytes + 1, 0x7b), 'oversized'],
    ];
    for (const [name, payload, reason] of cases) {
      const r = await intake.handle(name, payload);
      expect(r.status, reason).toBe('rejected');
      expect(r.reason).toBe(reason);
      expect(r.detail?.length).toBeGreaterThan(0);
    }
    expect(handler.executed).toEqual([]);
    expect(published).toHaveLength(cases.length);
    expect(published[0]!.topic).toBe('bg/v1/mongcai/p-entry-03/cmd-result/invalid');
    expect(published[1]!.topic).toBe('bg/v1/mongcai/p-entry-03/cmd-result/c1');
  });

  it('publishes the handler refusal (interlock, not-supported) as rejected with that reason', async () => {
    const { intake, handler, signer } = await setup();
    handler.next = { status: 'rejected', reason: 'interlock', detail: 'presence sensor occupied' };
    const r = await intake.handle('close', bytes(signer.sign('p-entry-03', 'close', {}).payload));
    expect(r).toMatchObject({ status: 'rejected', reason: 'interlock', detail: 'presence sensor occupied' });
  });

  it('a handler that throws gives accepted/failed, not a crash', async () => {
    const { intake, handler, signer } = await setup();
    handler.execute = async () => {
      throw new Error('relay driver gone');
    };
    const r = await intake.handle('open', bytes(signer.sign('p-entry-03', 'open', {}).payload));
    expect(r).toMatchObject({ status: 'accepted', outcome: { result: 'failed' } });
    expect(r.outcome?.detail).toMatch(/relay driver gone/);
  });

  it('closes commands interrupted by a crash without running them again', async () => {
    const { log, signer, clock } = await setup();
    const cmd = signer.sign('p-entry-03', 'hold-open', { seconds: 30 });
    const verified = { id: cmd.payload.id, name: 'hold-open' as const, issuedAt: clock.now(), expiresAt: clock.now() + 300_000, args: { seconds: 30 }, contentHash: 'x'.repeat(64) };
    expect(log.claim(verified, clock.now(), 3_600_000)).toEqual({ claimed: true }); // then the process died
    expect(log.closeInterrupted(clock.now())).toEqual([cmd.payload.id]);
    const again = log.claim(verified, clock.now(), 3_600_000);
    expect(again).toMatchObject({ claimed: false, first: { status: 'accepted', outcome: { result: 'failed', detail: INTERRUPTED_DETAIL } } });
  });

  it('forgets ids only after expiry plus the margin', async () => {
    const { intake, log, signer, clock } = await setup();
    await intake.handle('open', bytes(signer.sign('p-entry-03', 'open', {}, { ttlMs: 60_000 }).payload));
    clock.advance(60_000 + 3_600_000 - 1);
    expect(log.prune(clock.now())).toBe(0);
    clock.advance(2);
    expect(log.prune(clock.now())).toBe(1);
    expect(log.count()).toBe(0);
  });

  it('rate-limits rejections of unverified junk but counts them', async () => {
    const { intake, published } = await setup();
    for (let i = 0; i < 50; i++) await intake.handle('open', Buffer.from('junk'));
    expect(published.length).toBe(DEFAULT_SYNC_TUNING.rejectionsPerSecond);
    expect(intake.counters.rejectionsNotPublished).toBe(50 - DEFAULT_SYNC_TUNING.rejectionsPerSecond);
    expect(intake.counters.rejected).toBe(50);
  });
});
