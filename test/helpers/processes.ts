import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live processes (other than this one) whose command line names `dir`, as "pid: cmdline". A run that
 * starts its children inside a temp folder checks with this that none outlives it.
 */
export function processesNaming(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.trim()}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
