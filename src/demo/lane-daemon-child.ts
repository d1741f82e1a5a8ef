import { join } from 'node:path';
import { ManagedChild } from './child-process.js';
import type { LanePaths } from './demo-paths.js';

/**
 * One lane daemon as the demo, the chaos run and the lane bench start it: the built daemon
 * (`dist/src/main.js`) on the lane's config, its output in the lane's log file. Not under systemd:
 * NOTIFY_SOCKET and WATCHDOG_USEC are blanked so a parent that runs under systemd does not hand its
 * own notify socket and watchdog to the child.
 */
export function laneDaemonChild(projectRoot: string, lane: 'people' | 'vehicle', paths: LanePaths): ManagedChild {
  return new ManagedChild({
    name: `${lane} lane`,
    command: process.execPath,
    args: [join(projectRoot, 'dist', 'src', 'main.js'), '--config', paths.config],
    cwd: projectRoot,
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '' },
    logFile: paths.log,
  });
}
