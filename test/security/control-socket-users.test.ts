import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackHandles } from '../helpers/leaks.js';
import { startServer, type Running } from '../unit/control/harness.js';

/**
 * The control socket refuses users outside its group (issue 10). A real ControlServer is started with
 * mode 0660 and group `daemon`; a client process then connects as `nobody` (not in the group: the kernel
 * must refuse with EACCES) and as `daemon` (in the group: served). Size and rate limits are proved by
 * test/unit/control/server.test.ts (`answers a 1 MB line with too_large`, `rate-limits requests per
 * connection`); here the served user also runs into the size limit, to show it applies to a real
 * second user too.
 *
 * Needs root (to switch users with runuser) and the Debian users `nobody` and `daemon`: CI runs as root.
 */

const isRoot = process.getuid?.() === 0;

/** A client run as another user: connects, sends `payload`, prints {code} or {reply} as JSON. */
const CLIENT = `
const net = require('node:net');
const [path, payload] = process.argv.slice(1);
const s = net.connect(path);
let buf = '';
const done = (r) => { console.log(JSON.stringify(r)); s.destroy(); process.exit(0); };
s.on('connect', () => s.write(payload));
s.on('data', (d) => { buf += d; const nl = buf.indexOf('\\n'); if (nl !== -1) done({ reply: JSON.parse(buf.slice(0, nl)) }); });
s.on('error', (e) => done({ code: e.code }));
s.on('close', () => done({ closed: true, partial: buf }));
setTimeout(() => done({ code: 'TIMEOUT' }), 20000);
`;

function runAs(user: string, socketPath: string, payload: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', user, '--', process.execPath, '-e', CLIENT, socketPath, payload], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n')[0] ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`client as ${user} exited ${code}: ${out} ${err}`));
      }
    });
  });
}

describe.skipIf(!isRoot)('control socket: only its group may connect (runs as root; skipped otherwise)', () => {
  let dir: string;
  let running: Running;
  const leaks = trackHandles();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lc-sec-'));
    // Both test users must reach the socket's directory: only the socket's own mode and group may decide.
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'run'), { mode: 0o755 });
    await chmod(join(dir, 'run'), 0o755);
    running = await startServer(dir, { group: 'daemon', socketMode: 0o660, maxRequestBytes: 4_096 });
  });

  afterAll(async () => {
    await running?.server.stop();
    await rm(dir, { recursive: true, force: true });
    await leaks.assertNoneLeft();
  });

  it('refuses `nobody` (outside the group) with EACCES', async () => {
    const r = await runAs('nobody', running.socketPath, '{"id":1,"cmd":"status","args":{}}\n');
    expect(r).toEqual({ code: 'EACCES' });
    expect(running.server.health().counters['connectionsTotal']).toBe(0);
  }, 30_000);

  it('serves `daemon` (in the socket group)', async () => {
    const r = await runAs('daemon', running.socketPath, '{"id":1,"cmd":"status","args":{}}\n');
    expect(r['reply']).toMatchObject({ id: 1, ok: true, result: { lane: 'gate-3' } });
  }, 30_000);

  it('applies the request size limit to that user too', async () => {
    const r = await runAs('daemon', running.socketPath, `${'x'.repeat(10_000)}\n`);
    expect(r['reply']).toMatchObject({ ok: false, error: { code: 'too_large' } });
  }, 30_000);
});
