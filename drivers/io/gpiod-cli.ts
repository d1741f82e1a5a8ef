/**
 * Command lines and output parsing for the libgpiod v1 tools (Debian bookworm's `gpiod` 1.6), kept pure
 * so tests check them byte for byte. Levels here are ELECTRICAL (0/1): the tools never get `-l`; the
 * driver applies active-low itself, like every other backend.
 *
 * Why these modes:
 * - gpiomon `-b` (line-buffered) so each event reaches us at once through the pipe, and a fixed `-F`
 *   format we parse instead of the human-readable default.
 * - gpioset `--mode=wait` holds the value until a newline or EOF on stdin: when the daemon dies its end
 *   of the pipe closes, gpioset exits and the kernel releases the line (see docs/safety.md for wiring
 *   that makes a released line de-energised). `--mode=signal` would outlive a crashed daemon.
 */
export const GPIOMON_FORMAT = '%o %e %s.%n';

export function gpiomonArgs(chip: string, offsets: readonly number[]): string[] {
  return ['-b', `--format=${GPIOMON_FORMAT}`, chip, ...offsets.map(String)];
}

export function gpiogetArgs(chip: string, offsets: readonly number[]): string[] {
  return [chip, ...offsets.map(String)];
}

export function gpiosetArgs(chip: string, offset: number, level: 0 | 1): string[] {
  return ['--mode=wait', chip, `${offset}=${level}`];
}

export interface GpiomonEvent {
  offset: number;
  /** Electrical level after the edge (rising -> 1). */
  level: 0 | 1;
  /** Kernel timestamp (CLOCK_MONOTONIC in v1), kept for diagnostics only. */
  timestamp: number;
}

/** Parses one line printed with GPIOMON_FORMAT; null for anything else (it is counted, not thrown). */
export function parseGpiomonLine(line: string): GpiomonEvent | null {
  const match = /^(\d+) ([01]) (\d+)\.(\d+)$/.exec(line.trim());
  if (!match) return null;
  return {
    offset: Number(match[1]),
    level: match[2] === '1' ? 1 : 0,
    timestamp: Number(match[3]) + Number(match[4]) / 1e9,
  };
}

/** gpioget prints one 0/1 per requested offset, separated by spaces. */
export function parseGpiogetOutput(text: string, expected: number): Array<0 | 1> {
  const parts = text.trim().split(/\s+/).filter((p) => p.length > 0);
  if (parts.length !== expected || parts.some((p) => p !== '0' && p !== '1')) {
    throw new Error(`unexpected gpioget output '${text.trim().slice(0, 80)}' (wanted ${expected} values of 0/1)`);
  }
  return parts.map((p) => (p === '1' ? 1 : 0));
}

/** `gpioset (libgpiod) v1.6.3` -> 1; null when the text is not a libgpiod version banner. */
export function parseGpiodMajorVersion(text: string): number | null {
  const match = /\(libgpiod\) v(\d+)\.(\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

/**
 * Maps a tool's stderr to a short, stable reason code for DeviceOpenError, so `lanectl status` says
 * ENOENT (no such chip), EACCES (not in group gpio) or EBUSY (line held by another program).
 */
export function classifyGpiodError(stderr: string): string {
  if (/No such file|unable to (access|open) GPIO chip|does not exist/i.test(stderr)) return 'ENOENT';
  if (/Permission denied|EACCES/i.test(stderr)) return 'EACCES';
  if (/busy/i.test(stderr)) return 'EBUSY';
  if (/invalid|out of range/i.test(stderr)) return 'EINVAL';
  return 'EGPIOD';
}
