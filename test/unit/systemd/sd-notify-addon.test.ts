import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAddonPath, loadSdNotifyAddon, type SdNotifyAddon } from '../../../src/app/systemd-notify.js';
import { openNotifySocket, type NotifySocket } from '../../helpers/notify-socket.js';

/** The addon is built by `npm run build:native` (postinstall); without it these tests must fail, not skip. */
function addon(): SdNotifyAddon {
  const path = defaultAddonPath();
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build:native\``);
  return loadSdNotifyAddon(path);
}

function thrown(fn: () => void): Error & { code?: string; errno?: number } {
  try {
    fn();
  } catch (err) {
    return err as Error & { code?: string; errno?: number };
  }
  throw new Error('expected a throw');
}

describe('sd_notify native addon', () => {
  let sock: NotifySocket;
  let scratch: string;
  beforeAll(async () => {
    sock = await openNotifySocket();
    scratch = mkdtempSync(join(tmpdir(), 'lane-addon-'));
  });
  afterAll(async () => {
    await sock?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('sends one datagram with exactly the given text, from this process', async () => {
    addon().notify(sock.address, 'READY=1\nSTATUS=lane demo-1 ready — 通道');
    const got = await sock.flush();
    expect(got.map((d) => d.text)).toEqual(['READY=1\nSTATUS=lane demo-1 ready — 通道']);
    // systemd's NotifyAccess=main accepts only datagrams whose sender is the main pid.
    expect(got[0]!.senderPid).toBe(process.pid);
  });

  it('sends to an abstract socket when the address starts with @', async () => {
    const abstract = await openNotifySocket({ abstract: true });
    try {
      expect(abstract.address.startsWith('@')).toBe(true);
      addon().notify(abstract.address, 'WATCHDOG=1');
      const got = await abstract.flush();
      expect(got.map((d) => d.text)).toEqual(['WATCHDOG=1']);
    } finally {
      await abstract.close();
    }
  });

  it('throws an Error naming the errno when the socket does not exist', () => {
    const path = join(scratch, 'absent', 'notify.sock');
    const err = thrown(() => addon().notify(path, 'READY=1'));
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ENOENT');
    expect(err.errno).toBe(2);
    expect(err.message).toContain(path);
    expect(err.message).toContain('No such file or directory');
  });

  it('throws ECONNREFUSED when the path is not a listening socket', () => {
    const path = join(scratch, 'plain-file');
    writeFileSync(path, '');
    const err = thrown(() => addon().notify(path, 'READY=1'));
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('gives up with EAGAIN, instead of hanging, when the receiver stops reading', async () => {
    const stuck = await openNotifySocket({ read: false });
    try {
      const notify = addon().notify;
      let failure: (Error & { code?: string }) | undefined;
      // The queue holds net.unix.max_dgram_qlen datagrams (10 by default, 512 under systemd).
      for (let i = 0; i < 10_000 && !failure; i++) {
        try {
          notify(stuck.address, 'WATCHDOG=1');
        } catch (err) {
          failure = err as Error & { code?: string };
        }
      }
      expect(failure?.code).toBe('EAGAIN');
      expect(failure?.message).toContain(stuck.address);
    } finally {
      await stuck.close();
    }
  });

  it('rejects bad arguments with a clear reason', () => {
    const notify = addon().notify;
    expect(thrown(() => notify('relative.sock', 'READY=1')).message).toMatch(/absolute or start with '@'/);
    expect(thrown(() => notify(`/${'x'.repeat(120)}`, 'READY=1')).code).toBe('ENAMETOOLONG');
    expect(thrown(() => notify(`@${'x'.repeat(120)}`, 'READY=1')).code).toBe('ENAMETOOLONG');
    expect(thrown(() => notify(sock.address, '')).message).toMatch(/1 to 4096 bytes/);
    expect(thrown(() => notify(sock.address, 'X'.repeat(5000))).message).toMatch(/1 to 4096 bytes/);
    expect(thrown(() => notify(sock.address, 'READY=1\0')).message).toMatch(/NUL/);
    const typeError = thrown(() => (notify as unknown as (a: unknown, b: unknown) => void)(42, 'READY=1'));
    expect(typeError).toBeInstanceOf(TypeError);
    expect(thrown(() => (notify as unknown as (a: unknown) => void)(sock.address))).toBeInstanceOf(TypeError);
  });

  it('sent nothing for any of the refused calls', async () => {
    const before = (await sock.flush()).length;
    const notify = addon().notify;
    for (const bad of ['', 'READY=1\0']) expect(() => notify(sock.address, bad)).toThrow();
    expect((await sock.flush()).length).toBe(before);
  });
});
