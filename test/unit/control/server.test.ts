import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, stat, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { request } from '../../../src/control/client.js';
import { defineRemoteCommand, type RegisteredCommand } from '../../../src/control/command-spec.js';
import { COMMANDS } from '../../../src/control/commands/index.js';
import { CommandError } from '../../../src/control/protocol.js';
import { ControlServer } from '../../../src/control/server.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { trackHandles } from '../../helpers/leaks.js';
import { captureLogger, exchange, FakeContext, parse, startServer, tempDir } from './harness.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

/** Leaves a socket file with no listener behind, the way a daemon killed by SIGKILL does. */
function leaveStaleSocket(path: string): Promise<void> {
  const script = "require('net').createServer().listen(process.env.P, () => process.kill(process.pid, 'SIGKILL'))";
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { env: { ...process.env, P: path } }, () => resolve());
  });
}

function openIdle(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('ControlServer round trips', () => {
  it('answers every command of the registry that runs in the daemon', async () => {
    const leaks = trackHandles();
    const { server, socketPath, context } = await startServer(dir);
    try {
      const status = (await request(socketPath, 'status')) as Record<string, unknown>;
      expect(status).toMatchObject({ lane: 'gate-3', site: 'mongcai', mode: 'degraded', pid: 4242 });
      expect(Object.keys(status.services as object).sort()).toEqual(['control', 'device:entry-scanner', 'store']);

      const healthResult = (await request(socketPath, 'health')) as { healthy: boolean };
      expect(healthResult.healthy).toBe(false);
      context.services = { store: context.services.store! };
      expect(await request(socketPath, 'health')).toMatchObject({ healthy: true });

      expect(await request(socketPath, 'version')).toEqual(context.version());

      expect(await request(socketPath, 'log level')).toEqual({ level: 'info' });
      expect(await request(socketPath, 'log level', { level: 'debug' })).toEqual({ level: 'debug', previous: 'info' });
      expect(context.level).toBe('debug');

      expect(await request(socketPath, 'config reload')).toEqual(context.nextReload);
      expect(context.reloads).toBe(1);

      // Every remote command in the registry was exercised above or in the file named; a new one must be added here.
      const remote = COMMANDS.filter((c) => c.local !== true).map((c) => c.name).sort();
      const storeCommands = ['cache stats', 'journal verify', 'passage', 'passages last']; // store-commands.test.ts
      const syncCommands = ['outbox', 'sync status']; // test/unit/sync/lanectl-sync-commands.test.ts
      // H2 device commands: devices/lookup/snapshot/device-test.test.ts here and in test/integration/control/
      const deviceCommands = ['devices', 'lookup epc', 'lookup plate', 'lookup token', 'snapshot', 'test camera', 'test rfid', 'test scanner'];
      // H1 lane runner commands: test/unit/lane/runner/lane-commands.test.ts
      const laneCommands = ['close', 'events tail', 'hold-open', 'mode', 'open', 'override', 'reset', 'sim input', 'test barrier'];
      expect(remote).toEqual(['config reload', 'health', 'log level', 'status', 'version', ...storeCommands, ...syncCommands, ...deviceCommands, ...laneCommands].sort());
    } finally {
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('answers several requests written at once, in order, echoing their ids', async () => {
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir);
    const payload = ['{"id":"a","cmd":"version"}', '{"id":2,"cmd":"log level"}', '{"id":3,"cmd":"nope"}', ''].join('\r\n');
    const { lines } = await exchange(socketPath, payload, 3);
    expect(lines.map((l) => parse(l).id)).toEqual(['a', 2, 3]);
    expect(lines.map((l) => parse(l).ok)).toEqual([true, true, false]);
    await server.stop();
    await leaks.assertNoneLeft();
  });
});

describe('ControlServer against bad input', () => {
  const cases: Array<[string, string | Buffer, string, string | number | null]> = [
    ['non-JSON text', 'hello daemon\n', 'bad_json', null],
    ['a JSON array', '[1,2,3]\n', 'bad_request', null],
    ['a JSON string', '"status"\n', 'bad_request', null],
    ['JSON null', 'null\n', 'bad_request', null],
    ['no cmd', '{"id":1}\n', 'bad_request', 1],
    ['no id', '{"cmd":"status"}\n', 'bad_request', null],
    ['an object as id', '{"id":{},"cmd":"status"}\n', 'bad_request', null],
    ['args not an object', '{"id":5,"cmd":"status","args":[1]}\n', 'bad_request', 5],
    ['an unknown command', '{"id":6,"cmd":"open sesame"}\n', 'unknown_command', 6],
    ['bad args for a command', '{"id":7,"cmd":"log level","args":{"level":"loud"}}\n', 'bad_request', 7],
    ['an unexpected arg', '{"id":8,"cmd":"status","args":{"all":true}}\n', 'bad_request', 8],
    ['a local-only command', '{"id":9,"cmd":"config check"}\n', 'unknown_command', 9],
    ['binary bytes', Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x1b]), Buffer.from('\n')]), 'bad_json', null],
  ];

  it.each(cases)('%s gets an error reply and the next connection is served', async (_name, payload, code, id) => {
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir);
    try {
      const { lines } = await exchange(socketPath, payload);
      const reply = parse(lines[0]);
      expect(reply).toMatchObject({ ok: false, id, error: { code } });
      expect(typeof (reply.error as { message: unknown }).message).toBe('string');
      expect(await request(socketPath, 'log level')).toEqual({ level: 'info' });
      expect(server.health().state).toBe('ok');
    } finally {
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('lists the valid commands in unknown_command and says when a command runs in lanectl', async () => {
    const { server, socketPath } = await startServer(dir);
    const unknown = parse((await exchange(socketPath, '{"id":1,"cmd":"frobnicate"}\n')).lines[0]);
    const remoteNames = COMMANDS.filter((c) => c.local !== true).map((c) => c.name).sort();
    expect((unknown.error as { message: string }).message).toContain(`valid: ${remoteNames.join(', ')}`);
    const local = parse((await exchange(socketPath, '{"id":1,"cmd":"config check"}\n')).lines[0]);
    expect((local.error as { message: string }).message).toContain('runs inside lanectl');
    await server.stop();
  });

  it('answers a 1 MB line with too_large, closes that connection and keeps serving', async () => {
    const leaks = trackHandles();
    const { server, socketPath, logs } = await startServer(dir);
    try {
      const secretish = `{"id":1,"cmd":"status","args":{"qr":"${'A'.repeat(1024 * 1024)}"}}\n`;
      const big = await exchange(socketPath, secretish, 1, true);
      expect(big.closed).toBe(true);
      expect(parse(big.lines[0])).toMatchObject({ ok: false, id: null, error: { code: 'too_large' } });
      // The server hangs up after the reply.
      const after = await exchange(socketPath, '{"id":2,"cmd":"version"}\n');
      expect(parse(after.lines[0])).toMatchObject({ id: 2, ok: true });
      // No newline ever: refused as soon as the limit is crossed, not buffered until the end.
      const endless = await exchange(socketPath, 'x'.repeat(200 * 1024), 1, true);
      expect(parse(endless.lines[0])).toMatchObject({ error: { code: 'too_large' } });
      expect(endless.closed).toBe(true);
      expect(server.health().counters.tooLarge).toBe(2);
      expect(logs.join('\n')).not.toContain('AAAA');
    } finally {
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('turns a throwing handler into an internal reply, logs it, and keeps serving', async () => {
    const bomb = defineRemoteCommand({
      name: 'bomb',
      summary: 'throws',
      usage: '',
      args: z.object({}).strict(),
      parseCli: () => ({}),
      handle: (): never => {
        throw new Error('kaboom in the store');
      },
      formatHuman: () => [],
    });
    const refuse = defineRemoteCommand({
      name: 'refuse',
      summary: 'refuses with a command-specific code',
      usage: '',
      args: z.object({}).strict(),
      parseCli: () => ({}),
      handle: (): never => {
        throw new CommandError('door_busy', 'the door is moving');
      },
      formatHuman: () => [],
    });
    const bigint = defineRemoteCommand({
      name: 'bigint',
      summary: 'returns something JSON cannot hold',
      usage: '',
      args: z.object({}).strict(),
      parseCli: () => ({}),
      handle: () => ({ n: 1n }),
      formatHuman: () => [],
    });
    const commands: RegisteredCommand[] = [...COMMANDS, bomb, refuse, bigint];
    const leaks = trackHandles();
    const { server, socketPath, logs } = await startServer(dir, { commands });
    try {
      const crashed = parse((await exchange(socketPath, '{"id":1,"cmd":"bomb"}\n')).lines[0]);
      expect(crashed).toMatchObject({ id: 1, ok: false, error: { code: 'internal' } });
      expect(JSON.stringify(crashed)).not.toContain('kaboom');
      expect(logs.some((l) => l.includes('kaboom in the store') && l.includes('"cmd":"bomb"'))).toBe(true);

      expect(parse((await exchange(socketPath, '{"id":2,"cmd":"refuse"}\n')).lines[0])).toMatchObject({
        ok: false,
        error: { code: 'door_busy', message: 'the door is moving' },
      });
      expect(parse((await exchange(socketPath, '{"id":3,"cmd":"bigint"}\n')).lines[0])).toMatchObject({
        id: 3,
        ok: false,
        error: { code: 'internal' },
      });
      expect(await request(socketPath, 'version')).toMatchObject({ version: '0.1.0' });
      expect(server.health().counters).toMatchObject({ internalErrors: 2, errors: 3, requests: 4 });
    } finally {
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });
});

describe('ControlServer limits', () => {
  it('rate-limits requests per connection with a token bucket', async () => {
    const clock = new FakeClock(); // monotonic time stands still: no refill during the burst
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir, { clock, rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const five = [1, 2, 3, 4, 5].map((id) => `{"id":${id},"cmd":"version"}\n`).join('');
      const { lines } = await exchange(socketPath, five, 5);
      const codes = lines.map((l) => {
        const r = parse(l);
        return r.ok ? 'ok' : (r.error as { code: string }).code;
      });
      expect(codes).toEqual(['ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
      expect(parse(lines[4]).id).toBe(5);
      // The bucket belongs to the connection: a new one starts full.
      expect(parse((await exchange(socketPath, '{"id":6,"cmd":"version"}\n')).lines[0]).ok).toBe(true);
      expect(server.health().counters.rateLimited).toBe(2);
    } finally {
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('refuses connections beyond maxConnections with an error line', async () => {
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir, { maxConnections: 2 });
    const idle = [await openIdle(socketPath), await openIdle(socketPath)];
    try {
      await vi.waitFor(() => expect(server.health().counters.connections).toBe(2));
      const third = await exchange(socketPath, '{"id":1,"cmd":"version"}\n', 1, true);
      expect(parse(third.lines[0])).toMatchObject({ id: null, ok: false, error: { code: 'too_many_connections' } });
      expect(third.closed).toBe(true);
      idle[0]!.destroy();
      await vi.waitFor(() => expect(server.health().counters.connections).toBe(1));
      expect(await request(socketPath, 'version')).toMatchObject({ name: 'lane-controller' });
    } finally {
      for (const s of idle) s.destroy();
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('closes a connection that stays idle for idleTimeoutMs', async () => {
    const clock = new FakeClock();
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir, { clock, idleTimeoutMs: 60_000 });
    const socket = await openIdle(socketPath);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    try {
      await vi.waitFor(() => expect(server.health().counters.connections).toBe(1));
      clock.advance(59_999);
      expect(socket.destroyed).toBe(false);
      clock.advance(1);
      await closed;
      await vi.waitFor(() => expect(server.health().counters.connections).toBe(0));
      expect(clock.pendingTimers()).toBe(0);
    } finally {
      socket.destroy();
      await server.stop();
    }
    await leaks.assertNoneLeft();
  });

  it('counts requests, errors and connections in health()', async () => {
    const { server, socketPath } = await startServer(dir);
    expect(server.health()).toMatchObject({ state: 'ok', lastError: null });
    await request(socketPath, 'status');
    await exchange(socketPath, 'garbage\n');
    expect(server.health().counters).toMatchObject({ requests: 2, errors: 1, connectionsTotal: 2 });
    await server.stop();
    expect(server.health().state).toBe('stopped');
  });
});

describe('ControlServer socket file', () => {
  it('creates parent dirs, sets mode 0660, and leaves nothing after stop', async () => {
    const leaks = trackHandles();
    const socketPath = join(dir, 'deep', 'er', 'lane.sock');
    const { server } = await startServer(dir, { socketPath });
    const info = await lstat(socketPath);
    expect(info.isSocket()).toBe(true);
    expect(info.mode & 0o777).toBe(0o660);
    await server.stop();
    expect(existsSync(socketPath)).toBe(false);
    await leaks.assertNoneLeft();
  });

  it('replaces a stale socket left by a crashed daemon', async () => {
    const socketPath = join(dir, 'lane.sock');
    await leaveStaleSocket(socketPath);
    expect((await lstat(socketPath)).isSocket()).toBe(true);
    const leaks = trackHandles();
    const { server } = await startServer(dir, { socketPath });
    expect(await request(socketPath, 'version')).toMatchObject({ name: 'lane-controller' });
    await server.stop();
    await leaks.assertNoneLeft();
  });

  it('refuses to start when another daemon answers on the socket', async () => {
    const leaks = trackHandles();
    const first = await startServer(dir);
    const { log } = captureLogger();
    const second = new ControlServer({
      socketPath: first.socketPath,
      socketMode: 0o660,
      maxRequestBytes: 65536,
      context: new FakeContext(),
      log,
    });
    await expect(second.start()).rejects.toThrow(/another lane daemon is already listening on .*lanectl\.sock/);
    expect(second.health()).toMatchObject({ state: 'failed' });
    expect(second.health().lastError).toMatch(/already listening/);
    // The first one is untouched.
    expect(await request(first.socketPath, 'version')).toMatchObject({ name: 'lane-controller' });
    await second.stop();
    expect(existsSync(first.socketPath)).toBe(true);
    await first.server.stop();
    await leaks.assertNoneLeft();
  });

  it('refuses to replace a file that is not a socket', async () => {
    const socketPath = join(dir, 'lane.sock');
    await writeFile(socketPath, 'important');
    const { log } = captureLogger();
    const server = new ControlServer({ socketPath, socketMode: 0o660, maxRequestBytes: 65536, context: new FakeContext(), log });
    await expect(server.start()).rejects.toThrow(/exists and is not a socket/);
    expect((await stat(socketPath)).isFile()).toBe(true);
  });

  it('gives the socket to the configured group, looked up by name', async () => {
    const gid = process.getuid?.() === 0 ? 4321 : process.getgid!();
    const groupFile = join(dir, 'group');
    await writeFile(groupFile, `root:x:0:\nlane-techs:x:${gid}:alice,bob\n`);
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir, { group: 'lane-techs', groupFile });
    expect((await lstat(socketPath)).gid).toBe(gid);
    await server.stop();
    await leaks.assertNoneLeft();
  });

  it('fails to start with a clear message when the group does not exist, leaving no socket', async () => {
    const groupFile = join(dir, 'group');
    await writeFile(groupFile, 'root:x:0:\n');
    const socketPath = join(dir, 'lane.sock');
    const { log } = captureLogger();
    const server = new ControlServer({
      socketPath,
      socketMode: 0o660,
      group: 'lane-techs',
      groupFile,
      maxRequestBytes: 65536,
      context: new FakeContext(),
      log,
    });
    await expect(server.start()).rejects.toThrow(`control socket group 'lane-techs' does not exist (not in ${groupFile})`);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('refuses a socket path longer than the kernel allows', async () => {
    const socketPath = join(dir, `${'x'.repeat(120)}.sock`);
    const { log } = captureLogger();
    const server = new ControlServer({ socketPath, socketMode: 0o660, maxRequestBytes: 65536, context: new FakeContext(), log });
    await expect(server.start()).rejects.toThrow(/the limit is 107/);
  });

  it('stops cleanly with a client still connected', async () => {
    const leaks = trackHandles();
    const { server, socketPath } = await startServer(dir);
    const socket = await openIdle(socketPath);
    socket.on('error', () => {});
    await vi.waitFor(() => expect(server.health().counters.connections).toBe(1));
    await server.stop();
    socket.destroy();
    expect(existsSync(socketPath)).toBe(false);
    await leaks.assertNoneLeft();
  });
});
