import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * vitest globalSetup: integration tests run the compiled daemon (dist/), exactly as systemd
 * does. Rebuild when any TypeScript source is newer than the build, so a test never runs
 * stale code.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['src', 'drivers', 'bench'];

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Unit-only runs (`vitest run test/unit/...`) do not need the build. */
function runNeedsBuild(argv: readonly string[]): boolean {
  const filters = argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && !a.includes('vitest'));
  return filters.length === 0 || filters.some((f) => /integration|e2e|daemon|chaos|security|fuzz/.test(f));
}

export default function setup(): void {
  if (!runNeedsBuild(process.argv)) return;
  const marker = join(ROOT, 'dist', 'src', 'main.js');
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestMtime(join(ROOT, d))));
  if (built >= newest) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  } catch {
    // tsc still emits on type errors. They were printed above, and scripts/test (CI) runs
    // `npm run build` first and stops on them, so here let the run go on.
    process.stderr.write('build-once: tsc reported errors (see above); tests run against what was emitted\n');
  }
}
