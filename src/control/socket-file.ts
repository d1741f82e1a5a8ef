import { lstat, mkdir, readFile, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Clock } from '../util/clock.js';

/**
 * File-system side of the control socket: the path, a stale socket left by a crashed daemon,
 * and the group that may talk to the daemon.
 */

/** sun_path is 108 bytes on Linux including the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export class SocketStartError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'SocketStartError';
  }
}

function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined;
}

/** gid of a group name (or a numeric gid) from an /etc/group-format file. */
export async function resolveGroupId(group: string, groupFile = '/etc/group'): Promise<number> {
  if (/^\d+$/.test(group)) return Number(group);
  let text: string;
  try {
    text = await readFile(groupFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${groupFile} to find group '${group}': ${errnoCode(err) ?? String(err)}`);
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  throw new Error(`control socket group '${group}' does not exist (not in ${groupFile}); create it or change control.group`);
}

type Probe = 'live' | 'refused' | 'absent';

/** Tries to connect: a daemon answering means the socket is in use, refused means stale. */
function probeSocket(path: string, clock: Clock, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const finish = (outcome: Probe | Error): void => {
      timer.cancel();
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    // A listener that accepts but never answers still holds the path: count it as live.
    const timer = clock.setTimeout(() => finish('live'), timeoutMs);
    socket.once('connect', () => finish('live'));
    socket.once('error', (err) => {
      const code = errnoCode(err);
      if (code === 'ECONNREFUSED') finish('refused');
      else if (code === 'ENOENT') finish('absent');
      else if (code === 'EAGAIN') finish('live'); // backlog full: somebody is listening
      else finish(new SocketStartError(`cannot probe existing socket ${path}: ${code ?? err.message}`, path));
    });
  });
}

/**
 * Makes `path` ready to listen on: parent directories exist, and a stale socket from a crashed
 * daemon is removed. Refuses when another daemon answers there or the path is not a socket.
 */
export async function prepareSocketPath(path: string, clock: Clock, probeTimeoutMs = 1_000): Promise<void> {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new SocketStartError(`control socket path is ${bytes} bytes, the limit is ${MAX_SOCKET_PATH_BYTES}: ${path}`, path);
  }
  await mkdir(dirname(path), { recursive: true });
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) {
    throw new SocketStartError(`${path} exists and is not a socket; refusing to replace it`, path);
  }
  const probe = await probeSocket(path, clock, probeTimeoutMs);
  if (probe === 'live') {
    throw new SocketStartError(`another lane daemon is already listening on ${path}; refusing to start a second one`, path);
  }
  if (probe === 'refused') {
    try {
      await unlink(path);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
}
