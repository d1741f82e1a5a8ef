import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSystemdNotifier,
  statusLineFor,
  STATUS_MAX_CHARS,
  type SdNotifyAddon,
} from '../../../src/app/systemd-notify.js';
import { openNotifySocket, type NotifySocket } from '../../helpers/notify-socket.js';
import { captureLogs } from './log-capture.js';

describe('statusLineFor', () => {
  it('makes one line of any text', () => {
    expect(statusLineFor('lane demo-1\nready\r\n  3 devices\tok')).toBe('lane demo-1 ready 3 devices ok');
    expect(statusLineFor('a\0b')).toBe('a b');
  });

  it('caps the line and marks the cut', () => {
    const line = statusLineFor('x'.repeat(500));
    expect(Array.from(line)).toHaveLength(STATUS_MAX_CHARS);
    expect(line.endsWith('…')).toBe(true);
    expect(statusLineFor('y'.repeat(STATUS_MAX_CHARS))).toBe('y'.repeat(STATUS_MAX_CHARS));
  });

  it('never cuts a character in half', () => {
    const line = statusLineFor('😀'.repeat(300));
    expect(Array.from(line)).toHaveLength(STATUS_MAX_CHARS);
    expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
    expect(line).not.toContain('\uFFFD');
  });
});

describe('createSystemdNotifier without NOTIFY_SOCKET', () => {
  it('is a no-op and never loads the addon', () => {
    let loads = 0;
    const { hub, lines } = captureLogs();
    const notifier = createSystemdNotifier({}, hub.child('systemd'), {
      loadAddon: () => {
        loads += 1;
        throw new Error('must not be loaded');
      },
    });
    expect(notifier.enabled).toBe(false);
    notifier.ready('x');
    notifier.status('x');
    notifier.watchdog();
    notifier.reloading();
    notifier.stopping('x');
    expect(loads).toBe(0);
    expect(lines).toEqual([]);
  });
});

describe('createSystemdNotifier with a real notification socket', () => {
  let sock: NotifySocket;
  beforeAll(async () => {
    sock = await openNotifySocket();
  });
  afterAll(async () => {
    await sock?.close();
  });

  it('sends READY=1 with STATUS, STATUS, WATCHDOG=1 and STOPPING=1 in order, from this process', async () => {
    const { hub, lines } = captureLogs();
    const notifier = createSystemdNotifier({ NOTIFY_SOCKET: sock.address }, hub.child('systemd'));
    expect(notifier.enabled).toBe(true);
    const start = (await sock.flush()).length;

    notifier.ready('lane demo-1: ready\n3 services');
    notifier.status('lane demo-1: degraded (entry-scanner)');
    notifier.watchdog();
    notifier.stopping('lane demo-1 stopping');

    const got = (await sock.flush()).slice(start);
    expect(got.map((d) => d.text)).toEqual([
      'READY=1\nSTATUS=lane demo-1: ready 3 services',
      'STATUS=lane demo-1: degraded (entry-scanner)',
      'WATCHDOG=1',
      'STOPPING=1\nSTATUS=lane demo-1 stopping',
    ]);
    expect(got.every((d) => d.senderPid === process.pid)).toBe(true);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('sends READY=1 alone when no status is given, and caps a long STATUS', async () => {
    const notifier = createSystemdNotifier({ NOTIFY_SOCKET: sock.address });
    const start = (await sock.flush()).length;
    notifier.ready();
    notifier.status('z'.repeat(1000));
    const got = (await sock.flush()).slice(start);
    expect(got[0]!.text).toBe('READY=1');
    expect(Array.from(got[1]!.fields.STATUS!)).toHaveLength(STATUS_MAX_CHARS);
  });

  it('sends RELOADING=1 with MONOTONIC_USEC from CLOCK_MONOTONIC, then READY=1 again', async () => {
    const notifier = createSystemdNotifier({ NOTIFY_SOCKET: sock.address });
    const start = (await sock.flush()).length;
    notifier.reloading();
    notifier.ready('reloaded');
    const got = (await sock.flush()).slice(start);
    expect(got).toHaveLength(2);
    const reload = got[0]!;
    expect(reload.fields.RELOADING).toBe('1');
    expect(reload.fields.MONOTONIC_USEC).toMatch(/^\d+$/);
    // Same clock as the receiver's CLOCK_MONOTONIC: not after it, and not from another epoch
    // (wall-clock µs would be far larger, performance.now() far smaller on a running machine).
    const sent = Number(reload.fields.MONOTONIC_USEC);
    expect(sent).toBeLessThanOrEqual(reload.receivedMonotonicUsec);
    expect(sent).toBeGreaterThan(reload.receivedMonotonicUsec - 60_000_000);
    expect(got[1]!.fields).toMatchObject({ READY: '1', STATUS: 'reloaded' });
  });

  it('works with an abstract socket address', async () => {
    const abstract = await openNotifySocket({ abstract: true });
    try {
      const notifier = createSystemdNotifier({ NOTIFY_SOCKET: abstract.address });
      notifier.ready('abstract ok');
      const got = await abstract.flush();
      expect(got.map((d) => d.text)).toEqual(['READY=1\nSTATUS=abstract ok']);
    } finally {
      await abstract.close();
    }
  });

  it('with the addon missing: logs one error naming the fix, sends nothing, never throws', async () => {
    const { hub, lines } = captureLogs();
    const missing = join(tmpdir(), 'lane-no-such-dir', 'sd_notify.node');
    const notifier = createSystemdNotifier({ NOTIFY_SOCKET: sock.address }, hub.child('systemd'), {
      addonPath: missing,
    });
    const start = (await sock.flush()).length;
    expect(notifier.enabled).toBe(false);
    notifier.ready('x');
    notifier.watchdog();
    notifier.stopping();
    expect((await sock.flush()).slice(start)).toEqual([]);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('npm run build:native');
    expect(errors[0]!.addonPath).toBe(missing);
  });

  it('refuses a module that does not export notify(), with a reason', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lane-fake-addon-'));
    try {
      const fake = join(dir, 'not-the-addon.cjs');
      writeFileSync(fake, 'module.exports = { hello: 1 };\n');
      const { hub, lines } = captureLogs();
      const notifier = createSystemdNotifier({ NOTIFY_SOCKET: sock.address }, hub.child('systemd'), {
        addonPath: fake,
      });
      expect(notifier.enabled).toBe(false);
      const errors = lines.filter((l) => l.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0]!.err?.message).toContain('does not export notify()');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createSystemdNotifier with a bad NOTIFY_SOCKET', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'lane-notify-bad-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports a socket that does not exist without throwing, once per distinct error', () => {
    const { hub, lines } = captureLogs();
    const path = join(scratch, 'gone', 'notify.sock');
    const notifier = createSystemdNotifier({ NOTIFY_SOCKET: path }, hub.child('systemd'));
    expect(notifier.enabled).toBe(true);
    expect(() => {
      notifier.ready('x');
      for (let i = 0; i < 5; i++) notifier.watchdog();
      notifier.stopping();
    }).not.toThrow();
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toBe('systemd notification failed');
    expect(errors[0]!.err?.code).toBe('ENOENT');
    expect(errors[0]!.socket).toBe(path);
  });

  it('refuses a relative or over-long address up front, without loading the addon', () => {
    for (const address of ['notify.sock', `/${'d'.repeat(200)}/notify.sock`]) {
      const { hub, lines } = captureLogs();
      let loads = 0;
      const notifier = createSystemdNotifier({ NOTIFY_SOCKET: address }, hub.child('systemd'), {
        loadAddon: (): SdNotifyAddon => {
          loads += 1;
          return { notify: () => undefined };
        },
      });
      expect(notifier.enabled).toBe(false);
      expect(() => notifier.ready('x')).not.toThrow();
      expect(loads).toBe(0);
      expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
      expect(lines[0]!.msg).toMatch(/NOTIFY_SOCKET/);
    }
  });
});
