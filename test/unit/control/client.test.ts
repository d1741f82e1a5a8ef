import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlRequestError, request } from '../../../src/control/client.js';
import { trackHandles } from '../../helpers/leaks.js';
import { startServer, tempDir } from './harness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

async function failure(p: Promise<unknown>): Promise<ControlRequestError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ControlRequestError) return err;
    throw err;
  }
  throw new Error('request unexpectedly succeeded');
}

/** A server that answers each connection with `respond` (or nothing), for client edge cases. */
async function rawServer(path: string, respond: ((data: string) => string | null) | null): Promise<Server> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      const out = respond?.(chunk.toString('utf8'));
      if (out === null) socket.end();
      else if (out !== undefined) socket.write(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('control client', () => {
  it('says no daemon is listening when the socket file is missing', async () => {
    const leaks = trackHandles();
    const err = await failure(request(join(dir, 'missing.sock'), 'status'));
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(
      `no lane daemon is listening on ${join(dir, 'missing.sock')}; is it running? (systemctl status lane-controller@<lane-id> / npm start)`,
    );
    await leaks.assertNoneLeft();
  });

  it('says the same for a stale socket file (ECONNREFUSED)', async () => {
    const path = join(dir, 'stale.sock');
    const script = "require('net').createServer().listen(process.env.P, () => process.kill(process.pid, 'SIGKILL'))";
    await new Promise<void>((resolve) => execFile(process.execPath, ['-e', script], { env: { ...process.env, P: path } }, () => resolve()));
    const err = await failure(request(path, 'status'));
    expect(err).toMatchObject({ kind: 'unreachable', code: 'unreachable' });
    expect(err.message).toMatch(/^no lane daemon is listening on /);
  });

  it('names the lane in the systemd hint for sockets under /run/lane-controller', async () => {
    const err = await failure(request('/run/lane-controller/no-such-lane-x9.sock', 'status'));
    expect(err.message).toContain('systemctl status lane-controller@no-such-lane-x9');
  });

  it('times out when the daemon accepts but never answers', async () => {
    const leaks = trackHandles();
    const server = await rawServer(join(dir, 'mute.sock'), null);
    const err = await failure(request(join(dir, 'mute.sock'), 'status', {}, { timeoutMs: 100 }));
    expect(err).toMatchObject({ kind: 'timeout', code: 'timeout' });
    expect(err.message).toContain('within 100 ms');
    await close(server);
    await leaks.assertNoneLeft();
  });

  it('reports a peer that does not speak the protocol', async () => {
    const server = await rawServer(join(dir, 'http.sock'), () => 'HTTP/1.1 400 Bad Request\r\n\r\n');
    const err = await failure(request(join(dir, 'http.sock'), 'status'));
    expect(err).toMatchObject({ kind: 'protocol', code: 'bad_reply' });
    await close(server);
  });

  it('reports a connection closed without a reply', async () => {
    const server = await rawServer(join(dir, 'rude.sock'), () => null);
    const err = await failure(request(join(dir, 'rude.sock'), 'status'));
    expect(err).toMatchObject({ kind: 'protocol', code: 'no_reply' });
    await close(server);
  });

  it('surfaces the daemon error code and message', async () => {
    const { server, socketPath } = await startServer(dir);
    const err = await failure(request(socketPath, 'log level', { level: 'loud' }));
    expect(err.kind).toBe('remote');
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain('args.level');
    await server.stop();
  });
});
