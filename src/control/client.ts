import { connect } from 'node:net';
import { basename, dirname } from 'node:path';
import { encodeRequest, parseReplyLine } from './protocol.js';
import { LineReader } from './line-reader.js';

/** Where systemd's lane-controller@<id> puts each lane's socket (RuntimeDirectory). */
export const RUN_DIR = '/run/lane-controller';

/**
 * - unreachable: nothing listens there, or we may not connect (lanectl exits 69)
 * - timeout: connected but no reply in time (lanectl exits 69)
 * - protocol: the other end does not speak this protocol (lanectl exits 1)
 * - remote: the daemon answered with an error reply; `code` is its code (lanectl exits 1)
 */
export type ControlErrorKind = 'unreachable' | 'timeout' | 'protocol' | 'remote';

export class ControlRequestError extends Error {
  constructor(
    readonly kind: ControlErrorKind,
    readonly code: string,
    message: string,
    readonly socketPath: string,
  ) {
    super(message);
    this.name = 'ControlRequestError';
  }
}

export interface RequestOptions {
  timeoutMs?: number;
  /** Replies larger than this are refused (a broken or hostile peer). */
  maxReplyBytes?: number;
}

let nextId = 1;

function laneIdHint(socketPath: string): string {
  return dirname(socketPath) === RUN_DIR ? basename(socketPath, '.sock') : '<lane-id>';
}

function connectError(socketPath: string, err: NodeJS.ErrnoException): ControlRequestError {
  const code = err.code ?? 'EIO';
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK') {
    return new ControlRequestError(
      'unreachable',
      'unreachable',
      `no lane daemon is listening on ${socketPath}; is it running? (systemctl status lane-controller@${laneIdHint(socketPath)} / npm start)`,
      socketPath,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new ControlRequestError(
      'unreachable',
      'permission_denied',
      `permission denied on ${socketPath}; join the socket's group (ls -l ${socketPath}) or use sudo`,
      socketPath,
    );
  }
  return new ControlRequestError('unreachable', 'unreachable', `cannot connect to ${socketPath}: ${code}`, socketPath);
}

/**
 * Sends one request over a fresh connection and resolves with the daemon's result, or rejects
 * with a ControlRequestError. One connection per request keeps lanectl trivial; the daemon
 * is local, so the connect costs well under a millisecond.
 */
export function request(
  socketPath: string,
  cmd: string,
  args: Record<string, unknown> = {},
  opts: RequestOptions = {},
): Promise<unknown> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const id = nextId++;
  const reader = new LineReader(opts.maxReplyBytes ?? 64 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    let connected = false;
    let settled = false;
    const socket = connect(socketPath);
    const settle = (outcome: { result: unknown } | ControlRequestError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof ControlRequestError) reject(outcome);
      else resolve(outcome.result);
    };
    const timer = setTimeout(() => {
      settle(new ControlRequestError('timeout', 'timeout', `no reply from the daemon on ${socketPath} within ${timeoutMs} ms`, socketPath));
    }, timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(encodeRequest({ id, cmd, args }));
    });
    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = reader.push(chunk);
      for (const line of lines) {
        const reply = parseReplyLine(line.toString('utf8'));
        if (!reply) {
          settle(new ControlRequestError('protocol', 'bad_reply', `${socketPath} answered something that is not a control reply`, socketPath));
          return;
        }
        // id null: the daemon refused before reading our request (too many connections, ...).
        if (reply.id !== id && reply.id !== null) continue;
        if (reply.ok) settle({ result: reply.result });
        else settle(new ControlRequestError('remote', reply.error.code, reply.error.message, socketPath));
        return;
      }
      if (overflow) settle(new ControlRequestError('protocol', 'reply_too_large', `reply from ${socketPath} is too large`, socketPath));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) settle(connectError(socketPath, err));
      else settle(new ControlRequestError('protocol', 'connection_lost', `connection to ${socketPath} failed: ${err.code ?? err.message}`, socketPath));
    });
    socket.on('close', () => {
      settle(new ControlRequestError('protocol', 'no_reply', `the daemon on ${socketPath} closed the connection without replying`, socketPath));
    });
  });
}
