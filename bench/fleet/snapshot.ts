import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private copy of the built tree for the fleet bench's child processes. The bench runs for minutes and
 * spawns dozens of processes; when `dist/` is rebuilt meanwhile (by `npm run build` elsewhere in the same
 * checkout), a child that starts just then would load half-written files. The copy holds `dist/` and
 * `package.json`, with `node_modules` and `native` linked, and is checked by loading the daemon's and the
 * load lane's module graphs (`main.js --help` imports every module); a broken copy is taken again.
 */
export function snapshotBuild(root: string, into: string, attempts = 6): string {
  for (let attempt = 1; ; attempt++) {
    rmSync(into, { recursive: true, force: true });
    mkdirSync(into, { recursive: true });
    cpSync(join(root, 'dist'), join(into, 'dist'), { recursive: true });
    copyFileSync(join(root, 'package.json'), join(into, 'package.json'));
    for (const link of ['node_modules', 'native', 'models']) {
      if (existsSync(join(root, link))) symlinkSync(join(root, link), join(into, link));
    }
    const checks = [
      [join(into, 'dist', 'src', 'main.js'), '--help'],
      ['--input-type=module', '-e', `await import(${JSON.stringify(join(into, 'dist', 'src', 'store', 'index.js'))}); await import(${JSON.stringify(join(into, 'dist', 'src', 'sync', 'mqtt-link.js'))});`],
    ];
    const failed = checks.map((args) => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })).find((r) => r.status !== 0);
    if (!failed) return into;
    if (attempt >= attempts) throw new Error(`dist/ does not load (rebuilt while copying, or broken): ${failed.stderr.slice(0, 800)}`);
    spawnSync('sleep', ['5']);
  }
}
