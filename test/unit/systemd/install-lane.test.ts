import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Runs scripts/install-lane for real, but into a temp directory (--root) and from a small
 * fake release tree (--source), so nothing on this machine changes and the test does not
 * copy the project's node_modules. Account, chown, systemctl and udevadm steps are printed
 * under --root; the test checks they are.
 */
const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = join(projectRoot, 'scripts', 'install-lane');

const EXAMPLE_CONFIG = `lane:
  id: example-07
  site: mongcai
  kind: people
  direction: entry
storage:
  dataDir: /var/lib/lane-controller/example-07
control:
  socketPath: /run/lane-controller/example-07.sock
  group: lane-tech
mqtt:
  clientId: mongcai-example-07
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function installLane(args: string[]): Run {
  const r = spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mode(path: string): string {
  return (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');
}

let work: string;
let root: string;
let source: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lane-install-'));
  root = join(work, 'root');
  source = join(work, 'release');
  mkdirSync(root);
  for (const dir of ['dist/src', 'node_modules/pino', 'bin', 'config/examples', 'native/sd-notify/build/Release']) {
    mkdirSync(join(source, dir), { recursive: true });
  }
  writeFileSync(join(source, 'dist/src/main.js'), '// daemon\n');
  writeFileSync(join(source, 'node_modules/pino/index.js'), '// dep\n');
  writeFileSync(join(source, 'bin/lanectl.js'), '#!/usr/bin/env node\n', { mode: 0o755 });
  writeFileSync(join(source, 'package.json'), '{"name":"lane-controller"}\n');
  writeFileSync(join(source, 'config/examples/people-lane.yaml'), EXAMPLE_CONFIG);
  writeFileSync(join(source, 'native/sd-notify/build/Release/sd_notify.node'), 'ELF');
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const at = (path: string): string => join(root, path);

describe('install-lane --dry-run', () => {
  it('prints every action and changes nothing', () => {
    const r = installLane(['demo-1', '--dry-run', '--root', root, '--source', source]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(root)).toEqual([]);
    const out = r.stdout;
    expect(out).toContain('[skipped under --root] groupadd --system gpio');
    expect(out).toMatch(/\[skipped under --root\] useradd --system --user-group .* lane\n/);
    expect(out).toContain('[skipped under --root] usermod --append --groups dialout,video,gpio lane');
    expect(out).toContain(`[dry-run] cp -a ${source}/dist ${root}/opt/lane-controller.new/dist`);
    expect(out).toContain(`[dry-run] install -m 0640 `);
    expect(out).toContain(`[dry-run] write ${root}/etc/lane-controller/demo-1.secrets.yaml (mode 0640`);
    expect(out).toContain(`${root}/etc/systemd/system/lane-controller@.service`);
    expect(out).toContain(`${root}/etc/tmpfiles.d/lane-controller.conf`);
    expect(out).toContain('[skipped under --root] systemctl daemon-reload');
    expect(out).toContain('[skipped under --root] systemctl enable lane-controller@demo-1.service');
    // control.group from the config: the group is created and the daemon joins it.
    expect(out).toContain('[skipped under --root] groupadd --system lane-tech');
    expect(out).not.toMatch(/^\+ /m); // nothing was executed
  });
});

describe('install-lane --root (a real install into a temp dir)', () => {
  it('installs the tree, config, secrets (0640), unit, udev rules and tmpfiles', () => {
    const r = installLane(['demo-1', '--root', root, '--source', source]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    // release tree, swapped in whole, nothing left from staging
    expect(readFileSync(at('opt/lane-controller/dist/src/main.js'), 'utf8')).toBe('// daemon\n');
    expect(existsSync(at('opt/lane-controller/node_modules/pino/index.js'))).toBe(true);
    expect(existsSync(at('opt/lane-controller/native/sd-notify/build/Release/sd_notify.node'))).toBe(true);
    expect(existsSync(at('opt/lane-controller.new'))).toBe(false);
    expect(existsSync(at('opt/lane-controller.old'))).toBe(false);
    expect(mode(at('opt/lane-controller'))).toBe('0755');
    expect(lstatSync(at('usr/local/bin/lanectl')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(at('usr/local/bin/lanectl'))).toBe('/opt/lane-controller/bin/lanectl.js');

    // directories
    expect(mode(at('etc/lane-controller'))).toBe('0750');
    expect(mode(at('var/lib/lane-controller'))).toBe('0755');
    expect(mode(at('var/lib/lane-controller/demo-1'))).toBe('0750');
    expect(mode(at('var/log/lane-controller/demo-1'))).toBe('0750');
    expect(mode(at('run/lane-controller'))).toBe('0750');

    // config from the example, with the lane id replaced everywhere
    const config = readFileSync(at('etc/lane-controller/demo-1.yaml'), 'utf8');
    expect(mode(at('etc/lane-controller/demo-1.yaml'))).toBe('0640');
    expect(config).toContain('  id: demo-1\n');
    expect(config).toContain('/var/lib/lane-controller/demo-1\n');
    expect(config).toContain('clientId: mongcai-demo-1\n');
    expect(config).not.toContain('example-07');

    // secrets: 0640, a fresh random key of 64 base64 characters that never reached the output
    const secretsPath = at('etc/lane-controller/demo-1.secrets.yaml');
    expect(mode(secretsPath)).toBe('0640');
    const key = /^siteHmacKey: "([A-Za-z0-9+/=]+)"$/m.exec(readFileSync(secretsPath, 'utf8'))?.[1];
    expect(key).toHaveLength(64);
    expect(r.stdout).not.toContain(key!);
    expect(readdirSync(at('etc/lane-controller')).filter((f) => f.includes('.tmp-'))).toEqual([]);

    // unit, udev, tmpfiles
    const unitPath = at('etc/systemd/system/lane-controller@.service');
    expect(mode(unitPath)).toBe('0644');
    expect(readFileSync(unitPath, 'utf8')).toBe(readFileSync(join(projectRoot, 'systemd/lane-controller@.service'), 'utf8'));
    const rules = readFileSync(at('etc/udev/rules.d/99-lane-devices.rules'), 'utf8');
    expect(mode(at('etc/udev/rules.d/99-lane-devices.rules'))).toBe('0644');
    expect(rules).toMatch(/^SUBSYSTEM=="gpio", KERNEL=="gpiochip\*", GROUP="gpio"/m); // generic rule stays active
    expect(rules).not.toMatch(/^SUBSYSTEM=="(tty|video4linux)"/m); // site-specific ones commented out
    expect(rules).toMatch(/^#SUBSYSTEM=="tty".*SYMLINK\+="lane\/qr-entry"/m);
    expect(mode(at('etc/tmpfiles.d/lane-controller.conf'))).toBe('0644');

    // what only a real machine gets is printed, not done
    expect(r.stdout).toContain('[skipped under --root] chown root:lane');
    expect(r.stdout).toContain('[skipped under --root] systemctl enable lane-controller@demo-1.service');
  });

  it('is idempotent: a second run keeps the config and the secrets', () => {
    expect(installLane(['demo-1', '--root', root, '--source', source]).status).toBe(0);
    const secrets = readFileSync(at('etc/lane-controller/demo-1.secrets.yaml'), 'utf8');
    const config = readFileSync(at('etc/lane-controller/demo-1.yaml'), 'utf8');

    const again = installLane(['demo-1', '--root', root, '--source', source]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('keeping the existing config');
    expect(again.stdout).toContain('keeping the existing secrets file');
    expect(again.stdout).toContain('udev rules unchanged');
    expect(readFileSync(at('etc/lane-controller/demo-1.secrets.yaml'), 'utf8')).toBe(secrets);
    expect(readFileSync(at('etc/lane-controller/demo-1.yaml'), 'utf8')).toBe(config);
    expect(existsSync(at('opt/lane-controller.old'))).toBe(false);
  });

  it('installs a given --config, keeping the previous one as a backup', () => {
    expect(installLane(['demo-1', '--root', root, '--source', source]).status).toBe(0);
    const mine = join(work, 'mine.yaml');
    writeFileSync(mine, 'lane:\n  id: demo-1\n  site: testsite\n');
    const r = installLane(['demo-1', '--root', root, '--source', source, '--config', mine]);
    expect(r.status).toBe(0);
    expect(readFileSync(at('etc/lane-controller/demo-1.yaml'), 'utf8')).toBe('lane:\n  id: demo-1\n  site: testsite\n');
    const backups = readdirSync(at('etc/lane-controller')).filter((f) => f.startsWith('demo-1.yaml.bak-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(at(`etc/lane-controller/${backups[0]}`), 'utf8')).toContain('id: demo-1');
  });

  it('--udev activates the rules, but never overwrites rules edited on the PC', () => {
    expect(installLane(['demo-1', '--root', root, '--source', source]).status).toBe(0);
    expect(installLane(['demo-1', '--root', root, '--source', source, '--udev']).status).toBe(0);
    const rulesPath = at('etc/udev/rules.d/99-lane-devices.rules');
    expect(readFileSync(rulesPath, 'utf8')).toBe(readFileSync(join(projectRoot, 'systemd/99-lane-devices.rules'), 'utf8'));

    writeFileSync(rulesPath, 'SUBSYSTEM=="tty", ATTRS{serial}=="REAL", SYMLINK+="lane/qr-entry"\n');
    const r = installLane(['demo-1', '--root', root, '--source', source]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('it was edited on this PC');
    expect(readFileSync(rulesPath, 'utf8')).toContain('REAL');
  });

  it('follows --prefix and --node in the installed unit', () => {
    const r = installLane(['demo-1', '--root', root, '--source', source, '--prefix', '/srv/lane', '--node', '/usr/local/bin/node']);
    expect(r.status).toBe(0);
    const unit = readFileSync(at('etc/systemd/system/lane-controller@.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/bin/node /srv/lane/dist/src/main.js --config /etc/lane-controller/%i.yaml\n');
    expect(unit).not.toContain('/opt/lane-controller');
    expect(existsSync(at('srv/lane/dist/src/main.js'))).toBe(true);
  });
});

describe('install-lane refuses bad input with a reason', () => {
  it.each([
    [['Demo_1', '--dry-run'], /LANE_ID 'Demo_1' must be 1-32 characters/],
    [['--dry-run'], /LANE_ID is required/],
    [['demo-1', '--dry-run', '--bogus'], /unknown option: --bogus/],
    [['demo-1', 'demo-2', '--dry-run'], /only one LANE_ID/],
    [['demo-1', '--dry-run', '--prefix', 'relative/dir'], /--prefix must be an absolute path/],
    [['demo-1', '--dry-run', '--config'], /--config needs a value/],
    [['demo-1', '--dry-run', '--config', '/nonexistent/lane.yaml'], /--config \/nonexistent\/lane.yaml does not exist/],
  ])('%j', (args, reason) => {
    const r = installLane(['--root', root, ...args]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(reason);
    expect(readdirSync(root)).toEqual([]);
  });

  it('a source tree that was not built', () => {
    rmSync(join(source, 'dist'), { recursive: true });
    const r = installLane(['demo-1', '--root', root, '--source', source]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${source}/dist/src/main.js is missing: run 'npm run build'`);
  });
});
