import { describe, expect, it } from 'vitest';
import type { ControlContext } from '../../../src/control/contract.js';
import { outboxCommand } from '../../../src/control/commands/outbox.js';
import { syncStatusCommand, type SyncControl } from '../../../src/control/commands/sync-status.js';
import { CommandError } from '../../../src/control/protocol.js';
import { UsageError, type HumanBlock } from '../../../src/control/command-spec.js';
import type { OutboxSnapshot, SyncStatusSnapshot } from '../../../src/sync/sync-status.js';

const NOW = Date.UTC(2026, 2, 1, 12);

const status: SyncStatusSnapshot = {
  enabled: true,
  connection: {
    state: 'connected',
    since: NOW - 245_000,
    url: 'mqtts://broker.example:8883',
    clientId: 'lane-mongcai-p-entry-03',
    protocolVersion: 5,
    attempts: 3,
    reconnects: 2,
    lastError: 'connect ECONNREFUSED',
    nextAttemptAt: null,
    receiveMaximum: 20,
  },
  topicBase: 'bg/v1/mongcai/p-entry-03',
  birth: 17,
  announced: true,
  outbox: { pending: 312, pendingBytes: 1_200_000, oldestAt: NOW - 3_600_000, inflight: 20, catchingUp: true, quotaBytes: 512 * 1024 * 1024, quotaLevel: 'ok', drainRatePerSecond: 200, published: 1234, delivered: 1200, failed: 3 },
  commands: { accepted: 4, rejected: 2, rejectionsNotPublished: 0, trustedKeys: 1 },
  lists: { versions: { vehicles: { version: 42, updatedAt: NOW - 60_000, rowCount: 900 }, cargo: { version: 0, updatedAt: 0, rowCount: 0 } }, awaitingSnapshot: ['cargo'], deltasApplied: 5, deltasReplayed: 1, gaps: 1, snapshotsSwapped: 0, rejected: 0 },
};

const outbox: OutboxSnapshot = {
  pending: 2,
  pendingBytes: 900,
  oldestAt: NOW - 7_200_000,
  quotaBytes: 1000,
  quotaLevel: 'warning',
  connected: false,
  rows: [
    { seq: 7, messageId: 'm7', topic: 'event/passage', bytes: 500, createdAt: NOW - 7_200_000, attempts: 2, lastAttemptAt: NOW - 60_000 },
    { seq: 8, messageId: 'm8', topic: 'event/alarm', bytes: 400, createdAt: NOW - 3_000, attempts: 0, lastAttemptAt: null },
  ],
};

function ctx(sync: Partial<SyncControl> | null): ControlContext {
  const base = { status: () => ({}), version: () => ({}), reloadConfig: async () => ({}), getLogLevel: () => 'info', setLogLevel: () => undefined };
  return { ...base, ...(sync ?? {}) } as unknown as ControlContext;
}

function text(blocks: HumanBlock[]): string {
  return JSON.stringify(blocks);
}

describe('lanectl sync status', () => {
  it('shows connection, birth, backlog with quota, commands and list versions; exit 0 when connected', async () => {
    const c = ctx({ syncStatus: () => status, outboxSnapshot: () => outbox });
    const r = await syncStatusCommand.handle(c, {});
    expect(syncStatusCommand.exitCode!(r)).toBe(0);
    const out = text(syncStatusCommand.formatHuman(r, {}, { now: NOW }));
    for (const part of ['connected to mqtts://broker.example:8883 (MQTT 5)', '2 reconnects', '17 (announced)', '312 pending', '1.1 MiB of 512.0 MiB quota', 'catching up', 'snapshot of cargo', 'vehicles', '"42"', 'never']) {
      expect(out).toContain(part);
    }
  });

  it('exits 1 when offline or disabled, and says so', async () => {
    const offline = { ...status, connection: { ...status.connection, state: 'waiting' as const, nextAttemptAt: NOW + 2_000 } };
    const r = await syncStatusCommand.handle(ctx({ syncStatus: () => offline, outboxSnapshot: () => outbox }), {});
    expect(syncStatusCommand.exitCode!(r)).toBe(1);
    expect(text(syncStatusCommand.formatHuman(r, {}, { now: NOW }))).toContain('next attempt in 2 s');
    const off = await syncStatusCommand.handle(ctx({ syncStatus: () => null, outboxSnapshot: () => null }), {});
    expect(syncStatusCommand.exitCode!(off)).toBe(1);
    expect(text(syncStatusCommand.formatHuman(off, {}, { now: NOW }))).toContain('MQTT link off');
  });

  it('answers not_available from a daemon without the sync methods', () => {
    expect(() => syncStatusCommand.handle(ctx(null), {})).toThrow(CommandError);
    try {
      syncStatusCommand.handle(ctx(null), {});
    } catch (err) {
      expect((err as CommandError).code).toBe('not_available');
    }
  });

  it('takes no arguments', () => {
    expect(() => syncStatusCommand.parseCli(['x'])).toThrow(UsageError);
  });
});

describe('lanectl outbox', () => {
  it('parses LIMIT and refuses nonsense', () => {
    expect(outboxCommand.parseCli([])).toEqual({ limit: 20 });
    expect(outboxCommand.parseCli(['5'])).toEqual({ limit: 5 });
    for (const bad of [['0'], ['1001'], ['x'], ['2.5'], ['-3']]) expect(() => outboxCommand.parseCli(bad), bad[0]).toThrow(UsageError);
    expect(outboxCommand.args.safeParse({ limit: 5000 }).success).toBe(false);
  });

  it('lists the oldest rows without payloads, with failed tries and the quota level', async () => {
    let asked = 0;
    const r = await outboxCommand.handle(ctx({ syncStatus: () => status, outboxSnapshot: (n) => ((asked = n), outbox) }), { limit: 2 });
    expect(asked).toBe(2);
    const out = text(outboxCommand.formatHuman(r, { limit: 2 }, { now: NOW }));
    for (const part of ['2 pending', 'WARNING', 'NOT connected', 'event/passage', 'FAILED TRIES', '"2"', '2h00m ago']) expect(out).toContain(part);
  });
});
