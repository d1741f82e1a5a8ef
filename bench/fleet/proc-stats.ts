import { readFileSync } from 'node:fs';

/**
 * CPU and memory of other processes from /proc (Linux only): what the fleet bench reports for the broker
 * and the lane daemons. CPU is utime + stime (fields 14 and 15 of /proc/PID/stat) in clock ticks; the
 * kernel's USER_HZ is 100 on every Linux the lane runs on (getconf CLK_TCK).
 */
const CLK_TCK = 100;

/** CPU seconds used so far by `pid` (user + system), or null when the process is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size of `pid` in MiB (VmRSS), or null when the process is gone. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Average CPU use of `pid` in percent of one core between two readings. */
export class CpuMeter {
  private lastCpu: number;
  private lastAt: number;

  constructor(private readonly pid: number) {
    this.lastCpu = cpuSeconds(pid) ?? 0;
    this.lastAt = performance.now();
  }

  /** Percent of one core since the previous call (or construction). */
  sample(): number {
    const cpu = cpuSeconds(this.pid) ?? this.lastCpu;
    const at = performance.now();
    const pct = ((cpu - this.lastCpu) / Math.max(1e-3, (at - this.lastAt) / 1000)) * 100;
    this.lastCpu = cpu;
    this.lastAt = at;
    return pct;
  }
}
