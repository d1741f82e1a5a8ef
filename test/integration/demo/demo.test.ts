import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, waitFor } from '../../helpers/daemon-process.js';
import { processesNaming } from '../../helpers/processes.js';
import { socatMissing } from '../../helpers/pty.js';

/**
 * The demo as a user runs it: `npm start` (dist/src/demo/main.js) as a child process on free ports in a
 * temp folder, then scenarios through `npm run sim` (dist/src/demo/sim-cli.js --json), which drive the
 * simulated devices (pty scanner, RFID reader, OPC UA PLC, replayed camera) and the lanes' fake io. It
 * checks each verdict as the lane journaled it AND as the central simulator received it over MQTT,
 * then Ctrl-C (SIGINT) must stop everything: exit 0 and no process left that names the demo folder.
 */
const run = promisify(execFile);
const missing = socatMissing();
if (missing) console.warn(`skipping the demo test: ${missing}`);

interface ScenarioJson {
  scenario: string;
  lane: string;
  passages: Array<{ id: string; seq: number; outcome: string; reasons: string[]; alarm: boolean }>;
  central: { passageId: string; outcome: string; lane: string } | null;
}

describe.skipIf(missing !== null)('the two-lane demo (npm start + npm run sim)', () => {
  let dir: string;
  let demo: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;

  const scenario = async (name: string): Promise<ScenarioJson> => {
    try {
      const { stdout } = await run(process.execPath, [join(ROOT, 'dist', 'src', 'demo', 'sim-cli.js'), name, '--dir', dir, '--json'], { cwd: ROOT, timeout: 150_000 });
      return JSON.parse(stdout.trim().split('\n').pop()!) as ScenarioJson;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`sim ${name} failed: ${e.stderr ?? e.message}\n--- demo output ---\n${output.slice(-3000)}`);
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lane-demo-'));
    demo = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'demo', 'main.js'), '--dir', dir, '--free-ports'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    demo.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    exited = new Promise((resolve) => demo.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 240_000;
    while (!output.includes('Ctrl-C stops everything')) {
      if (demo.exitCode !== null) throw new Error(`demo exited ${demo.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`no demo banner within 240 s; output so far:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 300_000);

  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      demo.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('prints one banner with both display pages, the broker, the scenarios and the face notice', () => {
    expect(output).toMatch(/people lane display\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(output).toMatch(/vehicle lane display\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(output).toMatch(/MQTT broker\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('npm run sim -- traveller-qr');
    expect(output).toContain('no face images are shipped: face check off');
    // Keys and secrets are private to the user running the demo.
    expect(statSync(join(dir, 'keys', 'central-ed25519.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'people.secrets.yaml')).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'vehicle.secrets.yaml')).mode & 0o077).toBe(0);
  });

  it('traveller-qr: the lane grants a valid QR code and the central system receives the passage', async () => {
    const r = await scenario('traveller-qr');
    expect(r.passages).toHaveLength(1);
    expect(r.passages[0]).toMatchObject({ outcome: 'grant', alarm: false });
    expect(r.central).toMatchObject({ lane: 'demo-people-1', passageId: r.passages[0]!.id, outcome: 'grant' });
  }, 160_000);

  it('traveller-signed-qr: a signed QR credential issued with the demo\'s own signer (DCC format) is granted', async () => {
    const r = await scenario('traveller-signed-qr');
    expect(r.passages[0]).toMatchObject({ outcome: 'grant', alarm: false });
    expect(r.central).toMatchObject({ passageId: r.passages[0]!.id, outcome: 'grant' });
  }, 160_000);

  it('revoked-qr: the same lane denies a revoked QR code, and the central system has that too', async () => {
    const r = await scenario('revoked-qr');
    expect(r.passages[0]!.outcome).toBe('deny');
    expect(r.central).toMatchObject({ passageId: r.passages[0]!.id, outcome: 'deny' });
  }, 160_000);

  it('vehicle: plate image, matching RFID tag and cleared cargo open the barrier; the central system receives it', async () => {
    const r = await scenario('vehicle');
    expect(r.passages).toHaveLength(1);
    expect(r.passages[0]).toMatchObject({ outcome: 'grant', alarm: false });
    expect(r.central).toMatchObject({ lane: 'demo-vehicle-1', passageId: r.passages[0]!.id, outcome: 'grant' });
  }, 160_000);

  it('Ctrl-C stops the demo cleanly: exit 0, no lane, simulator or socat left behind', async () => {
    demo.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 45_000))]);
    expect(code, output.slice(-2000)).toBe(0);
    await waitFor(() => (processesNaming(dir).length === 0 ? true : undefined), 10_000, `no process naming ${dir}: ${processesNaming(dir).join('; ')}`);
    expect(readdirSync(dir)).not.toContain('demo.sock');
  }, 60_000);
});
