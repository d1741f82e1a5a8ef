import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpCameraSim } from './http-camera-sim.js';
import { RtspCameraSim } from './rtsp-camera-sim.js';

/**
 * Simulated cameras for the demo and for technicians, run as a process:
 *
 *   node dist/drivers/sim/camera/run-camera-sim.js --http 8554 --rtsp 8555 [--size 640x360] [--fps 10]
 *
 * prints one JSON line with the URLs, then takes commands on stdin, one per line: `freeze`, `resume`,
 * `die`, `revive`, `garbage N` (bytes of noise before each HTTP part; 0 stops it), `stop`. Each is
 * answered with a JSON line. Exit codes: 2 bad arguments, 3 a simulator could not start.
 */
interface Sims {
  http: HttpCameraSim | null;
  rtsp: RtspCameraSim | null;
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: run-camera-sim --http PORT --rtsp PORT [--size WxH] [--fps N]\n`);
  process.exit(2);
}

function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) usage(`${flag}: not a port: ${text}`);
  return port;
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      options: { http: { type: 'string' }, rtsp: { type: 'string' }, size: { type: 'string' }, fps: { type: 'string' } },
      strict: true,
    }).values;
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  const httpPort = parsePort(values.http, '--http');
  const rtspPort = parsePort(values.rtsp, '--rtsp');
  if (httpPort === undefined && rtspPort === undefined) usage('give --http PORT, --rtsp PORT or both');
  const size = /^(\d{2,4})x(\d{2,4})$/.exec(values.size ?? '320x240');
  if (!size) usage(`--size: expected WIDTHxHEIGHT, got ${values.size}`);
  const fps = Number(values.fps ?? '10');
  if (!(fps > 0 && fps <= 30)) usage(`--fps: expected a number in (0, 30], got ${values.fps}`);
  const picture = { width: Number(size[1]), height: Number(size[2]), fps };

  const sims: Sims = {
    http: httpPort === undefined ? null : new HttpCameraSim({ ...picture, port: httpPort }),
    rtsp: rtspPort === undefined ? null : new RtspCameraSim({ ...picture, port: rtspPort }),
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all([sims.http?.stop(), sims.rtsp?.stop()]);
  };
  try {
    await sims.http?.start();
    await sims.rtsp?.start();
  } catch (err) {
    process.stderr.write(`camera simulator could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopAll();
    process.exit(3);
  }
  const say = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  say({
    http: sims.http ? { stream: sims.http.streamUrl(), snapshot: sims.http.snapshotUrl() } : null,
    rtsp: sims.rtsp ? sims.rtsp.url('/live') : null,
  });

  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await stopAll();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [command, arg] = line.trim().split(/\s+/);
    switch (command) {
      case 'freeze':
        sims.http?.freeze();
        sims.rtsp?.freeze();
        return say({ ok: true, command });
      case 'resume':
        sims.http?.resume();
        sims.rtsp?.resume();
        return say({ ok: true, command });
      case 'die':
        void Promise.all([sims.http?.die(), sims.rtsp?.die()]).then(() => say({ ok: true, command }));
        return;
      case 'revive':
        void Promise.all([sims.http?.revive(), sims.rtsp?.revive()]).then(() => say({ ok: true, command }));
        return;
      case 'garbage': {
        const bytes = Number(arg);
        if (!Number.isInteger(bytes) || bytes < 0) return say({ ok: false, command, error: 'garbage N: N bytes, 0 or more' });
        sims.http?.setGarbage(bytes);
        return say({ ok: true, command, bytes });
      }
      case 'stop':
        void shutdown();
        return;
      case '':
      case undefined:
        return;
      default:
        return say({ ok: false, command, error: 'commands: freeze, resume, die, revive, garbage N, stop' });
    }
  });
  lines.on('close', () => void shutdown());
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
