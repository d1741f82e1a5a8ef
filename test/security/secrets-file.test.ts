import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDaemon } from '../helpers/daemon-process.js';

/**
 * Issue 10, security: the site HMAC key, the MQTT password and the central signing keys live in one
 * secrets file, and the DAEMON refuses to start (exit 78, nothing started) when other users can access
 * it. test/unit/settings/secrets.test.ts proves loadSecretsFile; this runs the compiled daemon the way
 * systemd does (LANE_SECRETS_FILE, as the unit sets it) and checks the refusal names the file and the
 * fix but never a secret value.
 */

const dir = mkdtempSync(join(tmpdir(), 'lc-sec-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HMAC = 'aGVsbG8tdGhpcy1pcy1ub3QtYS1yZWFsLWtleS1idXQtbG9uZy1lbm91Z2g';
const PASSWORD = 'broker-pass-7f3a9c1e';
const config = join(dir, 'lane.yaml');
writeFileSync(
  config,
  [
    'lane: { id: sec-1, site: mongcai, kind: people, direction: entry }',
    `storage: { dataDir: ${join(dir, 'data')} }`,
    `control: { socketPath: ${join(dir, 'lanectl.sock')} }`,
    'mqtt: { enabled: false }',
    'devices: []',
    '',
  ].join('\n'),
);

function secretsFile(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, `mqttPassword: ${PASSWORD}\nsiteHmacKey: ${HMAC}\n`);
  chmodSync(path, mode);
  return path;
}

async function refusal(secretsPath: string): Promise<{ code: number | null; output: string }> {
  const daemon = startDaemon(['--config', config], { LANE_SECRETS_FILE: secretsPath });
  const { code } = await daemon.exited;
  return { code, output: daemon.stderr() + JSON.stringify(daemon.logs) };
}

describe('the daemon refuses a secrets file other users can access', () => {
  for (const [label, mode] of [
    ['world-readable (0644)', 0o644],
    ['world-writable (0602)', 0o602],
    ['world-readable and group-writable (0664)', 0o664],
  ] as const) {
    it(`${label}: exit 78, names the file and the fix, echoes no secret`, async () => {
      const path = secretsFile(`s-${mode.toString(8)}.yaml`, mode);
      const { code, output } = await refusal(path);
      expect(code).toBe(78);
      expect(output).toContain(path);
      expect(output).toContain('chmod o-rwx');
      expect(output).not.toContain(HMAC);
      expect(output).not.toContain(PASSWORD);
    }, 30_000);
  }

  it('a symlink to a world-readable file is judged by the file it points to', async () => {
    const target = secretsFile('target.yaml', 0o644);
    const link = join(dir, 'link.yaml');
    symlinkSync(target, link);
    const { code, output } = await refusal(link);
    expect(code).toBe(78);
    expect(output).not.toContain(HMAC);
  }, 30_000);

  it('a bad value in a private file is reported by key, without the value', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, `siteHmacKey: short-${PASSWORD}\ncentralPublicKeys: ["${PASSWORD}"]\n`);
    chmodSync(path, 0o600);
    const { code, output } = await refusal(path);
    expect(code).toBe(78);
    expect(output).toContain('siteHmacKey');
    expect(output).not.toContain(PASSWORD);
  }, 30_000);
});
