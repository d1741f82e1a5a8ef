import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { CameraFrame } from '../../../drivers/camera/camera.js';
import { defineRemoteCommand, type CommandOutcome } from '../command-spec.js';
import { CommandError } from '../protocol.js';
import { positionals } from './cli-args.js';
import { downDetail, requireDevice } from './device-access.js';
import { eventWindow } from './event-window.js';
import { takeNumberOption } from './number-option.js';

/**
 * `snapshot CAMERA FILE`: the camera's next frame, written to FILE by lanectl.
 *
 * Who writes the file: the CLIENT. The daemon runs as the `lane` user under systemd hardening
 * (read-only file system outside its state directories), so a technician's path is usually not
 * writable by it, and a file it did write would belong to the wrong user. The daemon sends the
 * JPEG base64-encoded in the reply; the control protocol is one JSON line per reply, and the
 * server drops a client with more than 4 MiB of unread replies, so frames are capped at
 * MAX_SNAPSHOT_BYTES (2 MiB raw, ~2.7 MiB encoded). Live cameras deliver 0.1-0.5 MB JPEGs.
 * The file is created mode 0600: a frame shows a face or a plate.
 */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
const DEFAULT_WAIT_S = 5;
const MAX_WAIT_S = 10;

export interface SnapshotArgs {
  camera: string;
  waitMs: number;
  /** Client side only: never sent to the daemon. */
  file?: string;
}

export interface SnapshotReply {
  camera: string;
  width: number;
  height: number;
  /** Epoch ms the frame was complete. */
  at: number;
  seq: number;
  bytes: number;
  sha256: string;
  jpegBase64: string;
}

const wireArgs = z
  .object({
    camera: z.string().min(1).max(64),
    waitMs: z.number().int().min(100).max(MAX_WAIT_S * 1000),
  })
  .strict();

async function nextFrame(ctx: Parameters<typeof requireDevice>[0], args: SnapshotArgs): Promise<SnapshotReply> {
  const { handle, driver } = requireDevice(ctx, args.camera, 'camera');
  const state = handle.health().state;
  if (state !== 'ok' && state !== 'degraded') throw new CommandError('device_down', `${downDetail(handle)}; no frame to take (see lanectl devices)`);
  let frame: CameraFrame | null = null;
  await eventWindow<CameraFrame>(
    (l) => {
      driver.on('frame', l);
      return () => driver.off('frame', l);
    },
    args.waitMs,
    (f) => {
      frame = f;
      return true;
    },
  );
  const got = frame as CameraFrame | null;
  if (got === null) {
    throw new CommandError('no_frame', `no frame from camera '${args.camera}' within ${args.waitMs} ms; ${downDetail(handle)} (see lanectl devices)`);
  }
  if (got.jpeg.length > MAX_SNAPSHOT_BYTES) {
    throw new CommandError('too_large', `the frame is ${got.jpeg.length} bytes, more than the ${MAX_SNAPSHOT_BYTES} bytes a snapshot may carry; lower the camera's resolution or quality`);
  }
  return {
    camera: args.camera,
    width: got.width,
    height: got.height,
    at: got.at,
    seq: got.seq,
    bytes: got.jpeg.length,
    sha256: createHash('sha256').update(got.jpeg).digest('hex'),
    jpegBase64: got.jpeg.toString('base64'),
  };
}

/** Writes next to the target then renames, so FILE is never half written and is created 0600. */
async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, bytes, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function failed(code: string, message: string): CommandOutcome {
  return { exitCode: 1, json: { ok: false, error: { code, message } }, human: [{ kind: 'text', text: message }] };
}

export const snapshotCommand = defineRemoteCommand<SnapshotArgs, SnapshotReply>({
  name: 'snapshot',
  summary: "the camera's next frame as a JPEG file (written by lanectl, mode 0600)",
  usage: 'CAMERA FILE [--wait SECONDS]',
  help: `Waits up to --wait seconds (default ${DEFAULT_WAIT_S}, at most ${MAX_WAIT_S}) for a new frame. Frames over ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MiB are refused.`,
  args: wireArgs,
  timeoutMs: (MAX_WAIT_S + 5) * 1000,
  parseCli(rest): SnapshotArgs {
    const wait = takeNumberOption('snapshot', rest, '--wait', { min: 0.1, max: MAX_WAIT_S });
    const [camera, file] = positionals('snapshot', wait.rest, 2, 2);
    // Resolved here, in lanectl's own directory: the daemon never sees the path.
    return { camera: camera!, file: resolve(file!), waitMs: Math.round((wait.value ?? DEFAULT_WAIT_S) * 1000) };
  },
  handle: (ctx, args: SnapshotArgs): Promise<SnapshotReply> => nextFrame(ctx, args),
  formatHuman: (r: SnapshotReply) => [
    { kind: 'fields', rows: [['camera', r.camera], ['frame', `#${r.seq}, ${r.width}x${r.height}, ${r.bytes} bytes`], ['taken', new Date(r.at).toISOString()]] },
  ],
  async clientRun(run, args): Promise<CommandOutcome> {
    const reply = await run.call({ camera: args.camera, waitMs: args.waitMs });
    const jpeg = Buffer.from(reply.jpegBase64, 'base64');
    if (jpeg.length !== reply.bytes || createHash('sha256').update(jpeg).digest('hex') !== reply.sha256) {
      return failed('bad_reply', 'the frame arrived damaged (size or sha256 differs); try again');
    }
    const file = args.file ?? resolve(`${args.camera}.jpg`);
    try {
      await writeAtomically(file, jpeg);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      return failed('write_failed', `cannot write ${file}: ${code}; choose a directory you can write to`);
    }
    const { jpegBase64: _omit, ...meta } = reply;
    return {
      exitCode: 0,
      json: { ok: true, ...meta, file },
      human: [
        {
          kind: 'fields',
          rows: [['camera', reply.camera], ['frame', `#${reply.seq}, ${reply.width}x${reply.height}, ${reply.bytes} bytes`], ['taken', new Date(reply.at).toISOString()], ['written', file]],
        },
      ],
    };
  },
});
