import { readFileSync, readdirSync } from 'node:fs';
import { LogHub, type Logger } from '../../../../src/util/logger.js';
import type { CameraDriver, CameraFrame } from '../../../../drivers/camera/camera.js';
import { LogCapture } from '../../../helpers/log-capture.js';

/** A camera driver wired to a simulated camera, with the faults the contract exercises. */
export interface CameraRig {
  driver: CameraDriver;
  /** Size the delivered frames must have (the configured scale). */
  width: number;
  height: number;
  /** The camera keeps its connection open but sends nothing more. */
  freeze(): void;
  resume(): void;
  /** The camera goes away: connections cut, port closed. */
  die(): Promise<void>;
  /** It comes back on the same address. */
  revive(): Promise<void>;
  cleanup(): Promise<void>;
  log: Logger;
  /** Everything logged so far (debug level included). */
  logText(): string;
  /** A credential inside the configured URL: it must never appear in a log line or a health reason. */
  secret: string | null;
}

export type MakeCameraRig = (deps: { name: string }) => Promise<CameraRig>;

/** A logger capturing everything, debug included, so tests can search it. */
export function captureLog(): { log: Logger; text(): string } {
  const capture = new LogCapture();
  const hub = new LogHub({ level: 'debug', destination: capture });
  return { log: hub.root, text: () => capture.raw.join('\n') };
}

export function collectFrames(driver: CameraDriver): { frames: CameraFrame[]; detach(): void } {
  const frames: CameraFrame[] = [];
  const onFrame = (frame: CameraFrame): void => void frames.push(frame);
  driver.on('frame', onFrame);
  return { frames, detach: () => driver.off('frame', onFrame) };
}

/**
 * Live child processes of this test process whose command name is `comm` and whose command line passes
 * `keep`. Read from /proc, so a process the driver lost track of still shows.
 */
export function childProcesses(comm: string, keep: (cmdline: string) => boolean = () => true): number[] {
  const mine = String(process.pid);
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the parenthesised command name: state, ppid, ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (fields[1] !== mine || name !== comm || fields[0] === 'Z') continue;
      if (keep(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The drivers' ffmpeg processes still alive (the simulators' encoders, which read lavfi, excepted). */
export function driverFfmpegProcesses(): number[] {
  return childProcesses('ffmpeg', (cmdline) => !cmdline.includes('lavfi'));
}
