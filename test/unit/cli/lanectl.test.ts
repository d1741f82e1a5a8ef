import { mkdir } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/control/commands/index.js';
import { trackHandles } from '../../helpers/leaks.js';
import { health, startServer, tempDir, type Running } from '../control/harness.js';
import { lanectl } from './io.js';

let dir: string;
let cleanup: () => Promise<void>;
let daemon: Running;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  daemon = await startServer(dir);
});
afterEach(async () => {
  await daemon.server.stop();
  await cleanup();
});

const at = (): string[] => ['--socket', daemon.socketPath];

describe('lanectl against a running daemon', () => {
  it('status prints the lane, mode, reasons and a services table', async () => {
    const run = await lanectl(['status', ...at()]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines).toContain('lane      gate-3 (site mongcai, people, entry)');
    expect(lines).toContain('mode      degraded');
    expect(lines).toContain('  reason  device:entry-scanner: ENOENT /dev/ttyUSB0');
    expect(lines).toContain('uptime    1h02m');
    expect(lines).toContain('version   0.1.0 (pid 4242)');
    expect(lines).toContain('SERVICE               STATE     SINCE      RECONNECTS  LAST ERROR');
    expect(lines).toContain('device:entry-scanner  degraded  5m00s ago  3           ENOENT /dev/ttyUSB0');
    expect(lines).toContain('store                 ok        5m00s ago  0           -');
  });

  it('status --json ends with the snapshot as one JSON object', async () => {
    const run = await lanectl([...at(), 'status', '--json']);
    expect(run.code).toBe(0);
    expect(run.lastJson()).toEqual(JSON.parse(JSON.stringify(daemon.context.status())));
  });

  it('health exits 1 while a service is degraded and 0 once all are ok', async () => {
    const sick = await lanectl(['health', ...at()]);
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain('passages=12');
    expect(sick.stdout).toContain('3 services: 2 ok, 1 degraded; NOT healthy');
    daemon.context.services = { store: health('ok'), control: health('starting') };
    const fine = await lanectl(['health', '--json', ...at()]);
    expect(fine.code).toBe(0);
    expect(fine.lastJson()).toMatchObject({ healthy: true, services: { store: { state: 'ok' } } });
    daemon.context.services = { store: health('failed', { lastError: 'disk full' }) };
    expect((await lanectl(['health', ...at()])).code).toBe(1);
  });

  it('version shows both sides', async () => {
    const run = await lanectl(['version', ...at()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^client  lanectl 0\.1\.0 \(node v\d+/m);
    expect(run.stdout).toContain('daemon  lane-controller 0.1.0 (node v20.0.0, commit abc1234)');
    const json = (await lanectl(['version', '--json', ...at()])).lastJson();
    expect(json).toMatchObject({ client: { name: 'lanectl', version: '0.1.0' }, daemon: { commit: 'abc1234' } });
  });

  it('log level shows, sets, and refuses an unknown level before calling the daemon', async () => {
    expect((await lanectl(['log', 'level', ...at()])).stdout).toBe('log level: info\n');
    const set = await lanectl(['log', 'level', 'debug', ...at()]);
    expect(set.stdout).toBe('log level: debug (was info)\n');
    expect(daemon.context.level).toBe('debug');
    const bad = await lanectl(['log', 'level', 'loud', ...at()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown log level 'loud'; use one of: fatal, error, warn, info, debug, trace, silent");
    expect(daemon.context.level).toBe('debug');
  });

  it('config reload lists applied and restart-only keys, or the errors with exit 1', async () => {
    const ok = await lanectl(['config', 'reload', ...at()]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('config reloaded\napplied        log.level\nneeds restart  mqtt.url\n');
    daemon.context.nextReload = { ok: false, applied: [], needsRestart: [], errors: ['lane.id: must not be empty', 'devices[0].port: required'] };
    const refused = await lanectl(['config', 'reload', ...at()]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('config reload refused (2 errors); the running config stays:\n  lane.id: must not be empty\n');
    const json = await lanectl(['config', 'reload', '--json', ...at()]);
    expect(json.code).toBe(1);
    expect(json.lastJson()).toMatchObject({ ok: false, errors: ['lane.id: must not be empty', 'devices[0].port: required'] });
    daemon.context.nextReload = { ok: true, applied: [], needsRestart: [], errors: [] };
    expect((await lanectl(['config', 'reload', ...at()])).stdout).toBe('config reloaded: nothing changed\n');
  });

  it('exits 1 with the daemon message when a command fails inside the daemon', async () => {
    daemon.context.reloadConfig = () => Promise.reject(new Error('disk on fire'));
    const run = await lanectl(['config', 'reload', '--json', ...at()]);
    expect(run.code).toBe(1);
    expect(run.lastJson()).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(run.stderr).toContain("'config reload' failed inside the daemon; see its log");
  });

  it('with --json, the last line of stdout parses for every command', async () => {
    for (const command of COMMANDS) {
      const words = command.name.split(' ');
      const args = command.local ? [join(dir, 'absent.yaml')] : [];
      const run = await lanectl([...words, ...args, '--json', ...at()]);
      expect(run.lastJson(), command.name).toBeTypeOf('object');
    }
  });
});

describe('lanectl finding the socket', () => {
  it('uses $LANECTL_SOCKET', async () => {
    const run = await lanectl(['log', 'level'], { env: { LANECTL_SOCKET: daemon.socketPath } });
    expect(run.stdout).toBe('log level: info\n');
  });

  it("uses ./var/lanectl.sock (the demo's default) when it exists", async () => {
    const cwd = join(dir, 'demo');
    const demo = await startServer(dir, { socketPath: join(cwd, 'var', 'lanectl.sock') });
    try {
      expect((await lanectl(['log', 'level'], { cwd })).code).toBe(0);
    } finally {
      await demo.server.stop();
    }
  });

  it('uses --lane ID under the run dir, and the only lane there when none is named', async () => {
    const runDir = join(dir, 'lanes');
    const lane = await startServer(dir, { socketPath: join(runDir, 'gate-7.sock') });
    try {
      expect((await lanectl(['log', 'level', '--lane', 'gate-7'], { runDir })).code).toBe(0);
      expect((await lanectl(['log', 'level'], { runDir })).code).toBe(0);
      const missing = await lanectl(['log', 'level', '--lane', 'gate-8'], { runDir });
      expect(missing.code).toBe(69);
      expect(missing.stderr).toContain(`no lane daemon is listening on ${join(runDir, 'gate-8.sock')}`);
      expect((await lanectl(['status', '--lane', '../etc/x'], { runDir })).code).toBe(2);
    } finally {
      await lane.server.stop();
    }
  });

  it('asks which lane when several run here (exit 2)', async () => {
    const runDir = join(dir, 'lanes');
    await mkdir(runDir);
    const a = await startServer(dir, { socketPath: join(runDir, 'a.sock') });
    const b = await startServer(dir, { socketPath: join(runDir, 'b.sock') });
    try {
      const run = await lanectl(['status'], { runDir });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('several lanes run here (a, b); pick one with --lane ID');
    } finally {
      await a.server.stop();
      await b.server.stop();
    }
  });
});

describe('lanectl without a daemon', () => {
  it('exits 69 with the "is it running?" message, and JSON with --json', async () => {
    const socket = join(dir, 'gone.sock');
    const run = await lanectl(['status', '--socket', socket]);
    expect(run.code).toBe(69);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `lanectl: no lane daemon is listening on ${socket}; is it running? (systemctl status lane-controller@<lane-id> / npm start)\n`,
    );
    const json = await lanectl(['health', '--json', '--socket', socket]);
    expect(json.code).toBe(69);
    expect(json.lastJson()).toMatchObject({ ok: false, error: { code: 'unreachable' } });
  });

  it('exits 69 when nothing is found where sockets live (version still shows the client)', async () => {
    const run = await lanectl(['status'], { cwd: dir, runDir: join(dir, 'empty') });
    expect(run.code).toBe(69);
    expect(run.stderr).toContain('no control socket found');
    const version = await lanectl(['version'], { cwd: dir, runDir: join(dir, 'empty') });
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^daemon  unreachable: no control socket found/m);
  });

  it('exits 69 when the daemon does not answer in time', async () => {
    const path = join(dir, 'mute.sock');
    const held: Socket[] = [];
    const mute = createServer((socket) => held.push(socket)); // accepts, never reads or answers
    await new Promise<void>((resolve) => mute.listen(path, resolve));
    try {
      const run = await lanectl(['status', '--socket', path, '--timeout', '50']);
      expect(run.code).toBe(69);
      expect(run.stderr).toContain('no reply from the daemon');
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => mute.close(() => resolve()));
    }
  });

  it('version still prints the client version (exit 0); with --json it exits 69', async () => {
    const socket = join(dir, 'gone.sock');
    const run = await lanectl(['version', '--socket', socket]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^client  lanectl 0\.1\.0/m);
    expect(run.stdout).toMatch(/^daemon  unreachable: no lane daemon is listening on /m);
    const json = await lanectl(['version', '--json', '--socket', socket]);
    expect(json.code).toBe(69);
    expect(json.lastJson()).toMatchObject({ ok: false, error: { code: 'unreachable' }, client: { name: 'lanectl' } });
  });

  it('leaves no handle open after a run', async () => {
    const leaks = trackHandles();
    await lanectl(['status', '--socket', join(dir, 'gone.sock')]);
    await lanectl(['status', ...at()]);
    await leaks.assertNoneLeft();
  });
});

describe('lanectl usage', () => {
  it.each([
    [[]],
    [['stauts']],
    [['config']],
    [['status', 'now']],
    [['status', '--timeout', 'soon']],
    [['status', '--socket']],
    [['log', 'level', '--verbose']],
  ])('%j is a usage error (exit 2) and --json still ends with an object', async (argv) => {
    const run = await lanectl([...argv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^lanectl: /m);
    const json = await lanectl([...argv, '--json']);
    expect(json.code).toBe(2);
    expect(json.lastJson()).toMatchObject({ ok: false, error: { code: 'usage' } });
  });

  it('suggests the command that was probably meant', async () => {
    expect((await lanectl(['stauts'])).stderr).toContain('did you mean: status?');
    expect((await lanectl(['config', 'relaod'])).stderr).toContain('config reload');
  });

  it('--help lists every command with exit 0; COMMAND --help shows its usage', async () => {
    const help = await lanectl(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(command.name);
    const one = await lanectl(['log', 'level', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('usage: lanectl log level [LEVEL] [--json]');
    const json = await lanectl(['--help', '--json']);
    expect((json.lastJson().commands as unknown[]).length).toBe(COMMANDS.length);
    const group = await lanectl(['config', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('config check FILE');
  });
});
