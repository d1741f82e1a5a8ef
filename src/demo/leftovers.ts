import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ManagedChild } from './child-process.js';

/**
 * The children of a demo that was killed without a chance to stop them (kill -9, a closed terminal)
 * would keep the ptys, the ports and the lane sockets. The orchestrator records their pids; the next
 * start stops those still alive, checking each command line still names this demo's folder (a pid may
 * have been reused by an unrelated process).
 */
export function writePidFile(file: string, children: readonly ManagedChild[]): void {
  const rows = children.filter((c) => c.pid !== undefined && c.running).map((c) => ({ pid: c.pid, name: c.name }));
  writeFileSync(file, `${JSON.stringify(rows)}\n`, { mode: 0o640 });
}

export function killLeftovers(file: string, demoRoot: string, print: (line: string) => void): void {
  if (!existsSync(file)) return;
  let rows: Array<{ pid?: unknown; name?: unknown }> = [];
  try {
    rows = JSON.parse(readFileSync(file, 'utf8')) as typeof rows;
  } catch {
    // unreadable: nothing to do but forget it
  }
  for (const row of Array.isArray(rows) ? rows : []) {
    if (typeof row.pid !== 'number' || !Number.isInteger(row.pid) || row.pid <= 1) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${row.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue; // gone
    }
    if (!cmdline.includes(demoRoot)) continue;
    try {
      process.kill(-row.pid, 'SIGKILL');
    } catch {
      try {
        process.kill(row.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    print(`stopped ${String(row.name)} (pid ${row.pid}) left over from a previous demo`);
  }
  rmSync(file, { force: true });
}
