import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, lanectlBin, startDaemon, waitFor, type DaemonProcess } from '../../helpers/daemon-process.js';
import { openNotifySocket } from '../../helpers/notify-socket.js';

const run = promisify(execFile);

/**
 * The compiled daemon as systemd runs it: start, answer lanectl, degrade on a missing device,
 * reload, refuse a bad config with exit 78, stop on SIGTERM with exit 0.
 */
let running: DaemonProcess[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const d of running) await d.stop('SIGKILL');
  running = [];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lane-daemon-'));
  dirs.push(dir);
  return dir;
}

function laneYaml(dataDir: string, extra = ''): string {
  return `lane: { id: it-lane-1, site: mongcai, kind: people, direction: entry }
log: { level: info }
storage: { dataDir: ${dataDir} }
display: { port: 0 }
${extra}`;
}

async function lanectl(socket: string, ...args: string[]): Promise<{ code: number; stdout: string; json: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, [lanectlBin(), '--socket', socket, ...args, '--json'], { cwd: ROOT });
    return { code: 0, stdout, json: lastJson(stdout) };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout, json: lastJson(e.stdout) };
  }
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as Record<string, unknown>;
}

function launch(configPath: string, env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const d = startDaemon(['--config', configPath], env);
  running.push(d);
  return d;
}

describe('lane daemon process', () => {
  it('starts on the demo config, answers lanectl status --json, and stops on SIGTERM with exit 0', async () => {
    const dataDir = tempDir();
    const daemon = launch('config/demo.yaml', { LANE__STORAGE__DATADIR: dataDir, LANE__DISPLAY__PORT: '0' });
    const socket = join(dataDir, 'lanectl.sock');
    const status = await waitFor(async () => {
      if (!existsSync(socket)) return undefined;
      const r = await lanectl(socket, 'status');
      return r.code === 0 ? r.json : undefined;
    }, 10_000, 'lanectl status to answer');
    expect(status).toMatchObject({ lane: 'demo-people-1', site: 'mongcai', kind: 'people', mode: 'normal', pid: daemon.child.pid });
    expect(statSync(socket).mode & 0o777).toBe(0o660);

    const { code, ms } = await daemon.stop('SIGTERM');
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(existsSync(socket)).toBe(false);
    // Every stdout line is a JSON log record with lane and component fields.
    expect(daemon.logs.length).toBeGreaterThan(3);
    for (const line of daemon.logs) expect(line).toMatchObject({ lane: 'demo-people-1', component: expect.any(String) });
    expect(daemon.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['lane started', 'lane stopped']));
  });

  it('keeps the config that started cleanly beside it', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'lane.yaml');
    const text = laneYaml(dir);
    writeFileSync(configPath, text);
    const daemon = launch(configPath);
    await waitFor(() => (existsSync(`${configPath}.last-good`) ? true : undefined), 10_000, 'last-good copy');
    expect(readFileSync(`${configPath}.last-good`, 'utf8')).toBe(text);
    expect((await daemon.stop()).code).toBe(0);
  });

  it('exits 78 on a config with three mistakes, lists all three with their paths, and starts nothing', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'bad.yaml');
    writeFileSync(
      configPath,
      `lane: { id: Bad Id!, site: mongcai, kind: people, direction: entry }
log: { levl: info }
storage: { dataDir: ${dir} }
devices:
  - { type: serial-scaner, name: entry-qr, path: /dev/ttyUSB0 }
`,
    );
    const daemon = launch(configPath);
    const { code } = await daemon.exited;
    expect(code).toBe(78);
    const err = daemon.stderr();
    expect(err).toMatch(/lane\.id: /);
    expect(err).toMatch(/log\.levl: .*did you mean 'level'/);
    expect(err).toMatch(/devices\[0\]\.type: .*serial-scaner.*serial-line-scanner/);
    expect(err).toContain('nothing was started');
    expect(existsSync(join(dir, 'lanectl.sock'))).toBe(false);
    expect(existsSync(`${configPath}.last-good`)).toBe(false);
  });

  it('runs degraded when a device is missing, says why in lanectl status, and keeps answering', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'lane.yaml');
    const missing = join(dir, 'no-such-scanner');
    writeFileSync(configPath, laneYaml(dir, `devices:\n  - { type: serial-line-scanner, name: entry-qr, path: ${missing} }\n`));
    const daemon = launch(configPath);
    const socket = join(dir, 'lanectl.sock');
    const status = await waitFor(async () => {
      if (!existsSync(socket)) return undefined;
      const r = await lanectl(socket, 'status');
      return r.code === 0 ? r.json : undefined;
    }, 10_000, 'status');
    expect(status.mode).toBe('degraded');
    expect(JSON.stringify(status.degradedReasons)).toContain('device:entry-qr');
    const health = await lanectl(socket, 'health');
    expect(health.code).toBe(1); // scripts can test `lanectl health`
    expect(daemon.child.exitCode).toBeNull();
    expect((await daemon.stop()).code).toBe(0);
  });

  it('reloads on lanectl config reload and SIGHUP: applies the log level live, names keys that need a restart, refuses a broken file', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'lane.yaml');
    writeFileSync(configPath, laneYaml(dir));
    const daemon = launch(configPath);
    const socket = join(dir, 'lanectl.sock');
    await waitFor(async () => (existsSync(socket) && (await lanectl(socket, 'status')).code === 0 ? true : undefined), 10_000, 'status');

    writeFileSync(configPath, laneYaml(dir).replace('level: info', 'level: debug').replace('site: mongcai', 'site: dongxing'));
    const reload = await lanectl(socket, 'config', 'reload');
    expect(reload.code).toBe(0);
    expect(reload.json).toMatchObject({ ok: true, applied: ['log.level'], needsRestart: ['lane.site'] });
    expect((await lanectl(socket, 'log', 'level')).json).toMatchObject({ level: 'debug' });
    // The site did not change under the running lane.
    expect((await lanectl(socket, 'status')).json).toMatchObject({ site: 'mongcai' });

    writeFileSync(configPath, laneYaml(dir).replace('level: info', 'level: verbose'));
    const refused = await lanectl(socket, 'config', 'reload');
    expect(refused.code).toBe(1);
    expect(JSON.stringify(refused.json)).toContain('log.level');
    expect((await lanectl(socket, 'log', 'level')).json).toMatchObject({ level: 'debug' });

    writeFileSync(configPath, laneYaml(dir).replace('level: info', 'level: warn'));
    daemon.child.kill('SIGHUP');
    await waitFor(async () => ((await lanectl(socket, 'log', 'level')).json.level === 'warn' ? true : undefined), 5_000, 'SIGHUP reload');
    expect((await daemon.stop()).code).toBe(0);
  });

  it('tells systemd READY, feeds the watchdog while healthy, and says STOPPING on SIGTERM', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'lane.yaml');
    writeFileSync(configPath, laneYaml(dir));
    const sock = await openNotifySocket();
    try {
      const daemon = launch(configPath, { NOTIFY_SOCKET: sock.address, WATCHDOG_USEC: '300000' });
      const ready = await sock.waitFor('READY=1', (d) => d.text.includes('READY=1'), 10_000);
      expect(ready.text).toMatch(/STATUS=lane it-lane-1 normal/);
      expect(ready.senderPid).toBe(daemon.child.pid);
      await sock.waitFor('two watchdog pings', () => sock.received.filter((d) => d.text === 'WATCHDOG=1').length >= 2, 5_000);
      expect((await daemon.stop()).code).toBe(0);
      const all = await sock.flush();
      const texts = all.map((d) => d.text);
      const stoppingAt = texts.findIndex((t) => t.includes('STOPPING=1'));
      expect(stoppingAt).toBeGreaterThan(texts.findIndex((t) => t.includes('READY=1')));
      // Nothing but the final STOPPING (and its status) after the stop began.
      expect(texts.slice(stoppingAt + 1).filter((t) => t === 'WATCHDOG=1')).toEqual([]);
    } finally {
      await sock.close();
    }
  });
});
