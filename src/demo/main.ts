#!/usr/bin/env node
/**
 * `npm start`: the two-lane demo (one people lane, one vehicle lane) on one machine with no hardware.
 * See docs/demo.md. Ctrl-C stops everything. Exit codes: 0 stopped cleanly, 1 the demo could not start
 * or a part of it died, 2 bad arguments.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bannerLines } from './banner.js';
import { DemoOrchestrator } from './orchestrator.js';
import { parseToolArgs, toolUsage } from '../util/tool-args.js';

const USAGE = `usage: npm start -- [--dir DIR] [--free-ports] [--faces DIR | --face-camera /dev/videoN] [--log-level LEVEL]
  --dir DIR            where the demo keeps its keys, lanes' data and sockets (default ./var/demo)
  --free-ports         any free ports instead of 1883 (MQTT), 8090/8091 (displays), 4841 (PLC)
  --faces DIR          turn the face check on with a folder of your own photos (.jpg) as the face camera
  --face-camera DEV    turn the face check on with a V4L2 camera, e.g. /dev/video0
  --log-level LEVEL    lanes' log level (logs go to DIR/people.log and DIR/vehicle.log; default info)`;

// dist/src/demo/main.js -> the project root three levels up.
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function usage(message: string): never {
  return toolUsage('demo', USAGE, message);
}

const values = parseToolArgs('demo', USAGE, {
  options: {
    dir: { type: 'string', default: join(projectRoot, 'var', 'demo') },
    'free-ports': { type: 'boolean', default: false },
    faces: { type: 'string' },
    'face-camera': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
}).values;
if (values.faces !== undefined && values['face-camera'] !== undefined) usage('give --faces or --face-camera, not both');
if (values.faces !== undefined && !(existsSync(values.faces) && statSync(values.faces).isDirectory())) usage(`--faces ${values.faces}: not a folder`);
if (values['face-camera'] !== undefined && !values['face-camera'].startsWith('/dev/')) usage('--face-camera takes a device path such as /dev/video0');
const faces =
  values.faces !== undefined
    ? ({ kind: 'folder', path: resolve(values.faces) } as const)
    : values['face-camera'] !== undefined
      ? ({ kind: 'v4l2', device: values['face-camera'] } as const)
      : null;

const free = values['free-ports'];
const demo = new DemoOrchestrator({
  projectRoot,
  dir: values.dir,
  logLevel: values['log-level'],
  faces,
  ports: free ? { broker: 0, peopleDisplay: 0, vehicleDisplay: 0, plc: 0 } : {},
});

let exitCode = 0;
let stopping = false;
const stop = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  process.stdout.write('stopping the demo (lanes first, then the simulators and the broker)...\n');
  // Each part's stop is bounded, but a hung one must not keep the terminal: kill what is left.
  setTimeout(() => {
    process.stderr.write('demo: stopping took over 60 s; killing what is left\n');
    demo.killChildrenNow();
    process.exit(1);
  }, 60_000);
  await demo.stop();
  process.stdout.write('demo stopped.\n');
  process.exit(exitCode);
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
process.on('exit', () => demo.killChildrenNow());
demo.onUnexpectedExit((reason) => {
  process.stderr.write(`demo: ${reason}\n`);
  void stop(1);
});

try {
  process.stdout.write(`starting the demo in ${demo.paths.root} ...\n`);
  await demo.start();
} catch (err) {
  process.stderr.write(`demo could not start: ${(err as Error).message}\n`);
  await stop(1);
}
if (!stopping) for (const line of bannerLines(demo, faces)) process.stdout.write(`${line}\n`);
