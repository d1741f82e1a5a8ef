import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The shipped unit, udev rules and tmpfiles: checked with systemd's own tools where this
 * machine has them, and against what the lane needs (notify, watchdog, device access).
 */
const systemdDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'systemd');
const unitText = readFileSync(join(systemdDir, 'lane-controller@.service'), 'utf8');

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Directive -> every value it is given in the [Service] section, in order. */
function serviceDirectives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) section = line;
    if (section !== '[Service]' || !line || line.startsWith('#') || !line.includes('=')) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    out.set(key, [...(out.get(key) ?? []), line.slice(eq + 1)]);
  }
  return out;
}

describe('lane-controller@.service', () => {
  const d = serviceDirectives(unitText);
  const one = (key: string): string | undefined => d.get(key)?.at(-1);

  it('is a notify service with a watchdog that always restarts', () => {
    expect(one('Type')).toBe('notify');
    expect(one('NotifyAccess')).toBe('main');
    expect(one('WatchdogSec')).toBe('10');
    expect(one('Restart')).toBe('always');
    expect(one('RestartSec')).toBe('1');
    expect(one('TimeoutStopSec')).toBe('10');
    expect(one('KillMode')).toBe('mixed');
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/lane-controller/dist/src/main.js --config /etc/lane-controller/%i.yaml');
  });

  it('runs as lane with the device groups, and its directories per instance', () => {
    expect(one('User')).toBe('lane');
    expect(one('Group')).toBe('lane');
    expect(one('SupplementaryGroups')).toBe('dialout video gpio');
    expect(one('StateDirectory')).toBe('lane-controller/%i');
    expect(one('LogsDirectory')).toBe('lane-controller/%i');
    expect(one('RuntimeDirectory')).toBe('lane-controller');
    expect(one('RuntimeDirectoryPreserve')).toBe('yes');
    expect(one('ConfigurationDirectory')).toBe('lane-controller');
    expect(one('UMask')).toBe('0027');
    expect(d.get('Environment')).toEqual(
      expect.arrayContaining(['NODE_ENV=production', 'LANE__CONTROL__SOCKETPATH=/run/lane-controller/%i.sock']),
    );
  });

  it('is hardened but still reaches serial ports, cameras and GPIO chips', () => {
    for (const key of ['NoNewPrivileges', 'ProtectHome', 'PrivateTmp', 'ProtectKernelTunables', 'ProtectKernelModules',
      'ProtectKernelLogs', 'ProtectControlGroups', 'RestrictNamespaces', 'RestrictRealtime', 'LockPersonality']) {
      expect(one(key), key).toBe('yes');
    }
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('MemoryDenyWriteExecute')).toBe('no'); // V8's JIT
    expect(one('SystemCallArchitectures')).toBe('native');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('AmbientCapabilities')).toBe('');
    expect(one('RestrictAddressFamilies')).toBe('AF_UNIX AF_INET AF_INET6 AF_NETLINK');
    expect(one('DevicePolicy')).toBe('closed');
    expect(d.get('DeviceAllow')).toEqual([
      'char-ttyUSB rw',
      'char-ttyACM rw',
      'char-ttyS rw',
      'char-video4linux rw',
      'char-gpiochip rw',
    ]);
    expect(d.has('PrivateDevices')).toBe(false); // it would hide /dev/tty*, /dev/video*, /dev/gpiochip*
  });

  it.skipIf(!has('systemd-analyze'))('passes systemd-analyze verify (skipped: systemd-analyze not installed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lane-unit-'));
    try {
      const instance = join(dir, 'lane-controller@demo-1.service');
      copyFileSync(join(systemdDir, 'lane-controller@.service'), instance);
      const r = spawnSync('systemd-analyze', ['verify', instance], { encoding: 'utf8' });
      // Only a missing /opt/lane-controller tree may be reported on a machine without it.
      const problems = r.stderr.split('\n').filter((l) => l.trim() && !l.includes('/opt/lane-controller'));
      expect(problems).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('99-lane-devices.rules', () => {
  const rules = readFileSync(join(systemdDir, '99-lane-devices.rules'), 'utf8');
  const KEYS = /^(SUBSYSTEM|KERNEL|ATTRS\{\w+\}|ATTR\{\w+\})==|^(SYMLINK\+|GROUP|MODE)=/;

  it('every rule (commented example or not) is well formed and gives a group and 0660', () => {
    const ruleLines = rules
      .split('\n')
      .map((l) => (l.startsWith('#SUBSYSTEM') ? l.slice(1) : l))
      .filter((l) => l.startsWith('SUBSYSTEM'));
    expect(ruleLines.length).toBeGreaterThanOrEqual(6);
    for (const line of ruleLines) {
      for (const token of line.split(/,\s*/)) {
        expect(token, line).toMatch(KEYS);
        expect(token, line).toMatch(/^[^=]+[+=]?=+"[^"]*"$/);
      }
      expect(line).toContain('MODE="0660"');
      expect(line).toMatch(/GROUP="(dialout|video|gpio)"/);
    }
  });

  it('gives stable /dev/lane/* names by vendor, product and serial', () => {
    for (const name of ['qr-entry', 'qr-exit', 'mrz', 'rfid', 'face-cam']) {
      const line = rules.split('\n').find((l) => l.includes(`SYMLINK+="lane/${name}"`));
      expect(line, name).toMatch(/ATTRS\{idVendor\}=="[0-9a-f]{4}", ATTRS\{idProduct\}=="[0-9a-f]{4}", ATTRS\{serial\}=="/);
    }
  });
});

describe('lane-controller.tmpfiles.conf', () => {
  const canRun = has('systemd-tmpfiles') && process.getuid?.() === 0;
  it.skipIf(!canRun)('is accepted by systemd-tmpfiles (skipped: needs systemd-tmpfiles and root)', () => {
    const root = mkdtempSync(join(tmpdir(), 'lane-tmpfiles-'));
    try {
      mkdirSync(join(root, 'etc'));
      // tmpfiles resolves user and group names in the target tree.
      writeFileSync(join(root, 'etc/passwd'), `${readFileSync('/etc/passwd', 'utf8')}lane:x:64999:64999::/nonexistent:/usr/sbin/nologin\n`);
      writeFileSync(join(root, 'etc/group'), `${readFileSync('/etc/group', 'utf8')}lane:x:64999:\n`);
      const conf = join(systemdDir, 'lane-controller.tmpfiles.conf');
      const r = spawnSync('systemd-tmpfiles', [`--root=${root}`, '--create', conf], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const st = (p: string) => statSync(join(root, p));
      expect((st('etc/lane-controller').mode & 0o777).toString(8)).toBe('750');
      expect((st('run/lane-controller').mode & 0o777).toString(8)).toBe('750');
      expect((st('var/lib/lane-controller').mode & 0o777).toString(8)).toBe('755');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
