import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/daemon-process.js';
import { mosquittoAvailable } from '../helpers/mosquitto.js';
import { processesNaming } from '../helpers/processes.js';
import { socatMissing } from '../helpers/pty.js';

/**
 * The chaos run as CI runs it: `dist/src/chaos/main.js --minutes 5` (CHAOS_MINUTES shortens it while
 * developing) in a temp folder. It must exit 0, its JSON report must say every check passed, every fault
 * kind must have been injected and recovered from, and no process naming the folder may be left.
 * The run itself is the test: its checks read the journals with the store's code, compare them with the
 * central simulator's ledger, follow the lanes' event streams and scan every daemon log line
 * (test/helpers/pii-scan.ts). See docs/chaos.md.
 */
const MINUTES = Number(process.env.CHAOS_MINUTES ?? '5');
const missing = socatMissing() ?? (mosquittoAvailable() ? null : 'no mosquitto (/usr/sbin/mosquitto)');
if (missing) console.warn(`skipping the chaos run: ${missing}`);

interface Report {
  ok: boolean;
  seed: number;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
  recovery: Array<{ kind: string; count: number; recovered: number; maxMs: number | null; p99Ms: number | null }>;
  journals: Array<{ lane: string; grants: number; passages: number }>;
  pii: { linesScanned: number; offending: number };
}

/** The run uses dist/ (as the daemons do); build when a source is newer (build-once skips test/chaos runs). */
function newestTs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

describe.skipIf(missing !== null)(`chaos run (${MINUTES} min)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lane-chaos-'));
  beforeAll(() => {
    const main = join(ROOT, 'dist', 'src', 'chaos', 'main.js');
    const built = existsSync(main) ? statSync(main).mtimeMs : 0;
    if (built < Math.max(...['src', 'drivers'].map((d) => newestTs(join(ROOT, d))))) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
      } catch {
        // tsc emits despite type errors (printed above); CI builds first and stops on them.
      }
    }
  }, 300_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'keeps every granted passage, never closes on a presence, leaves no barrier open on an idle lane, recovers from every fault, leaks no personal data',
    async () => {
      const json = join(dir, 'chaos.json');
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'chaos', 'main.js'), '--minutes', String(MINUTES), '--dir', join(dir, 'run'), '--json', json], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      const tail = `\n--- chaos output ---\n${output.slice(-6000)}`;
      expect(existsSync(json), `no report written${tail}`).toBe(true);
      const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
      // The left-open judgement is one of the gating checks again (no longer an observation).
      expect(report.checks.map((c) => c.name)).toContain('no barrier left open on an idle lane');
      for (const check of report.checks) expect(check.ok, `${check.name}: ${check.detail} (seed ${report.seed})${tail}`).toBe(true);
      expect(code, tail).toBe(0);
      expect(report.ok).toBe(true);
      for (const row of report.recovery) {
        expect(row.count, `fault ${row.kind} never injected${tail}`).toBeGreaterThan(0);
        expect(row.recovered, `fault ${row.kind}${tail}`).toBe(row.count);
      }
      for (const j of report.journals) expect(j.grants, `${j.lane} lane granted nothing${tail}`).toBeGreaterThan(0);
      expect(report.pii.linesScanned).toBeGreaterThan(0);
      expect(processesNaming(dir)).toEqual([]);
    },
    (MINUTES * 60 + 270) * 1000,
  );
});
