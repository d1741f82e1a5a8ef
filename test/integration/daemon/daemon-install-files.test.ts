import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from '../../helpers/daemon-process.js';

/**
 * Files the config points at but the schema cannot check (the local site key here) are read while the
 * daemon builds its services. One that is unsafe is a configuration problem: exit 78 with the file and
 * the fix on stderr, nothing started, no stack trace.
 */
let running: DaemonProcess[] = [];
let dirs: string[] = [];

afterEach(async () => {
  for (const d of running) await d.stop('SIGKILL');
  running = [];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('daemon: unsafe files named by the installation', () => {
  it('refuses a local site key other users can read with exit 78, naming the file and the chmod', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lane-files-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const keyFile = join(dataDir, 'local-site-key');
    const configPath = join(dir, 'lane.yaml');
    writeFileSync(configPath, `lane: { id: it-lane-2, site: mongcai, kind: people, direction: entry }\nstorage: { dataDir: ${dataDir} }\ndisplay: { enabled: false }\ncontrol: { socketPath: ${join(dir, 'c.sock')} }\n`);
    // A key left behind by a careless copy: right size, wrong mode.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(keyFile, Buffer.alloc(32, 7).toString('hex'));
    chmodSync(keyFile, 0o644);

    const d = startDaemon(['--config', configPath]);
    running.push(d);
    const { code } = await d.exited;
    expect(code).toBe(78);
    const err = d.stderr();
    expect(err).toContain(keyFile);
    expect(err).toContain('chmod o-rwx');
    expect(err).toContain('nothing was started');
    expect(err).not.toMatch(/\n\s+at /u);
  }, 60_000);
});
