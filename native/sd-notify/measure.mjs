#!/usr/bin/env node
// What one sd_notify message costs the daemon: the addon (one sendto from the main process)
// against the helper-process way of doing it, `systemd-notify` spawned per message, measured
// in the same run against the same receiving socket (a python3 process that drains it).
//
//   node native/sd-notify/measure.mjs [addonCalls=5000] [spawnCalls=50]
//
// Prints a table; the figures quoted in docs/decisions/0003 come from this script.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addon = createRequire(import.meta.url)(join(here, 'build', 'Release', 'sd_notify.node'));
const addonCalls = Number(process.argv[2] ?? 5000);
const spawnCalls = Number(process.argv[3] ?? 50);

const dir = mkdtempSync(join(tmpdir(), 'sd-notify-measure-'));
const path = join(dir, 'notify.sock');
const receiver = spawn(
  'python3',
  ['-c', 'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("ok",flush=True)\nwhile True: s.recv(65536)', path],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
await new Promise((resolve) => receiver.stdout.once('data', resolve));

function stats(samplesNs) {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e3;
  return { n: sorted.length, p50_us: at(0.5), p99_us: at(0.99), max_us: sorted.at(-1) / 1e3 };
}

const addonNs = [];
for (let i = 0; i < addonCalls; i++) {
  const t = process.hrtime.bigint();
  addon.notify(path, 'WATCHDOG=1');
  addonNs.push(Number(process.hrtime.bigint() - t));
}

const spawnNs = [];
let spawnError = null;
for (let i = 0; i < spawnCalls && !spawnError; i++) {
  const t = process.hrtime.bigint();
  const r = spawnSync('systemd-notify', ['WATCHDOG=1'], { env: { NOTIFY_SOCKET: path } });
  if (r.error || r.status !== 0) spawnError = r.error?.message ?? `exit ${r.status}: ${r.stderr}`;
  else spawnNs.push(Number(process.hrtime.bigint() - t));
}

receiver.kill();
rmSync(dir, { recursive: true, force: true });

const rows = [{ way: 'addon notify()', ...stats(addonNs) }];
if (spawnNs.length) rows.push({ way: 'spawn systemd-notify', ...stats(spawnNs) });
console.table(rows.map((r) => ({ ...r, p50_us: r.p50_us.toFixed(1), p99_us: r.p99_us.toFixed(1), max_us: r.max_us.toFixed(1) })));
if (spawnError) console.log(`systemd-notify could not be measured: ${spawnError}`);
console.log(`node ${process.version}, ${process.arch}`);
