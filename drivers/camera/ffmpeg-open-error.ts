import { DeviceOpenError } from '../contract.js';
import type { FfmpegExit } from './ffmpeg-process.js';

/** ffmpeg reports failures only as text; map the usual ones to stable codes for health reports. */
const STDERR_CODES: ReadonlyArray<[RegExp, string]> = [
  [/connection refused/i, 'ECONNREFUSED'],
  [/401 unauthorized|unauthorized/i, 'EAUTH'],
  [/403 forbidden|permission denied/i, 'EACCES'],
  [/404 not found|no such file or directory/i, 'ENOENT'],
  [/name or service not known|failed to resolve hostname|temporary failure in name resolution/i, 'ENOTFOUND'],
  [/no route to host|network is unreachable/i, 'EHOSTUNREACH'],
  [/timed out/i, 'ETIMEDOUT'],
  [/device or resource busy/i, 'EBUSY'],
  [/invalid data found|could not find codec parameters|no such stream|does not contain any stream/i, 'EBADSTREAM'],
  [/461 unsupported transport/i, 'ETRANSPORT'],
  // This ffmpeg does not know an option we pass: a version mismatch, not a camera problem.
  [/option \S+ not found|unrecognized option/i, 'EFFMPEGVERSION'],
];

/**
 * The code of the most telling stderr line and that line. Patterns are tried in order over all lines, so
 * "Connection refused" wins over the "No such file or directory" ffmpeg adds after it for the same failure.
 */
export function classifyFfmpegError(lines: readonly string[]): { code: string; line: string } | undefined {
  for (const [pattern, code] of STDERR_CODES) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return { code, line };
  }
  return undefined;
}

/** One line for a health report: how ffmpeg ended and the last thing it said (already redacted). */
export function describeExit(exit: FfmpegExit, stderr: readonly string[]): string {
  const last = stderr[stderr.length - 1];
  const how = exit.signal ? `killed by ${exit.signal}` : exit.code === 0 ? 'stream ended' : `exited with code ${exit.code}`;
  return last ? `ffmpeg ${how}: ${last}` : `ffmpeg ${how}`;
}

/** The reason open() failed, given how ffmpeg ended before its first frame. */
export function openErrorFromExit(
  device: string,
  ffmpegPath: string,
  source: string,
  exit: FfmpegExit,
  stderr: readonly string[],
): DeviceOpenError {
  if (exit.spawnError) {
    const code = exit.spawnError.code ?? 'ESPAWN';
    const detail = code === 'ENOENT' ? `ffmpeg not found: ${ffmpegPath} (install the Debian package ffmpeg)` : `cannot start ffmpeg: ${exit.spawnError.message}`;
    return new DeviceOpenError(device, code, detail);
  }
  const known = classifyFfmpegError(stderr);
  const code = known?.code ?? (exit.code === 0 ? 'ENODATA' : 'EFFMPEG');
  const detail =
    exit.code === 0 && stderr.length === 0
      ? 'stream ended before the first frame'
      : describeExit(exit, known ? [known.line] : stderr);
  return new DeviceOpenError(device, code, detail, source);
}
