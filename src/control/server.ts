import { chmod, chown, lstat, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { HealthReport, HealthState, Service } from '../app/service.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { RegisteredCommand } from './command-spec.js';
import { COMMANDS } from './commands/index.js';
import { ControlConnection } from './connection.js';
import type { ControlContext } from './contract.js';
import { dispatchRequest } from './dispatch.js';
import { encodeReply, errorReply, parseRequestLine, type ControlReply } from './protocol.js';
import { CommandRegistry } from './registry.js';
import { prepareSocketPath, resolveGroupId } from './socket-file.js';

export interface ControlServerOptions {
  socketPath: string;
  /** e.g. 0o660: the daemon's user and group may connect, nobody else. */
  socketMode: number;
  /** Group (name or gid) given the socket, so technicians in it can run lanectl without root. */
  group?: string;
  maxRequestBytes: number;
  context: ControlContext;
  log: Logger;
  clock?: Clock;
  maxConnections?: number;
  idleTimeoutMs?: number;
  rateLimit?: { perSecond: number; burst: number };
  /** Defaults to the registry in commands/index.ts; tests add commands that misbehave. */
  commands?: readonly RegisteredCommand[];
  /** Where group names are looked up (tests point it at a temp file). */
  groupFile?: string;
}

const DEFAULTS = {
  maxConnections: 32,
  idleTimeoutMs: 60_000,
  rateLimit: { perSecond: 20, burst: 40 },
  maxUnreadReplyBytes: 4 * 1024 * 1024,
};

interface Counters {
  requests: number;
  errors: number;
  internalErrors: number;
  rateLimited: number;
  tooLarge: number;
  connectionsTotal: number;
  connectionsRejected: number;
}

/**
 * The control socket lanectl talks to: a Unix domain socket speaking newline-delimited JSON
 * (protocol.ts). Nothing a client sends may disturb the daemon: every failure becomes an
 * error reply, a misbehaving connection is closed, the server itself keeps serving.
 */
export class ControlServer implements Service {
  readonly name = 'control';
  // lanectl is for people; the lane keeps working without it.
  readonly critical = false;

  private readonly clock: Clock;
  private readonly registry: CommandRegistry;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly connections = new Set<ControlConnection>();
  private socketInode: number | null = null;
  private state: HealthState = 'stopped';
  private since: number;
  private lastError: string | null = null;
  private readonly counters: Counters = {
    requests: 0,
    errors: 0,
    internalErrors: 0,
    rateLimited: 0,
    tooLarge: 0,
    connectionsTotal: 0,
    connectionsRejected: 0,
  };

  constructor(private readonly opts: ControlServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.registry = new CommandRegistry(opts.commands ?? COMMANDS);
    this.since = this.clock.now();
  }

  async start(): Promise<void> {
    if (this.server) throw new Error(`control server already started on ${this.opts.socketPath}`);
    this.setState('starting');
    try {
      // Resolve the group first: a typo in the config must not leave a socket file behind.
      const gid = this.opts.group === undefined ? undefined : await resolveGroupId(this.opts.group, this.opts.groupFile);
      await prepareSocketPath(this.opts.socketPath, this.clock);
      const server = createServer((socket) => this.onConnection(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.opts.socketPath, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.server = server;
      server.on('error', (err) => this.opts.log.error({ err }, 'control socket error'));
      await chmod(this.opts.socketPath, this.opts.socketMode);
      if (gid !== undefined) await chown(this.opts.socketPath, -1, gid);
      this.socketInode = (await lstat(this.opts.socketPath)).ino;
      this.setState('ok');
      this.opts.log.info(
        { socket: this.opts.socketPath, mode: this.opts.socketMode.toString(8), group: this.opts.group ?? null },
        'control socket listening',
      );
    } catch (err) {
      await this.closeServer();
      this.lastError = err instanceof Error ? err.message : String(err);
      this.setState('failed');
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.closeServer();
    if (this.state !== 'failed') this.setState('stopped');
  }

  health(): HealthReport {
    return {
      state: this.state,
      since: this.since,
      reconnects: 0,
      lastError: this.lastError,
      counters: { ...this.counters, connections: this.connections.size },
    };
  }

  private setState(state: HealthState): void {
    if (state === this.state) return;
    this.state = state;
    this.since = this.clock.now();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const connection of this.connections) connection.destroy();
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.removeOwnSocketFile();
  }

  /** Unlinks the socket file only if it is still ours (not one a newer daemon created). */
  private async removeOwnSocketFile(): Promise<void> {
    const inode = this.socketInode;
    this.socketInode = null;
    if (inode === null) return;
    try {
      if ((await lstat(this.opts.socketPath)).ino === inode) await unlink(this.opts.socketPath);
    } catch {
      // Already gone (Node unlinks a listening socket's path on close on some platforms).
    }
  }

  private onConnection(socket: Socket): void {
    this.counters.connectionsTotal += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const max = this.opts.maxConnections ?? DEFAULTS.maxConnections;
    if (this.connections.size >= max) {
      this.counters.connectionsRejected += 1;
      socket.on('error', () => socket.destroy());
      const reply = errorReply(null, 'too_many_connections', `the daemon already serves ${max} lanectl connections; try again`);
      socket.end(encodeReply(reply), () => socket.destroy());
      this.opts.log.warn({ max }, 'control connection refused: too many connections');
      return;
    }
    const rate = this.opts.rateLimit ?? DEFAULTS.rateLimit;
    const connection: ControlConnection = new ControlConnection(
      socket,
      {
        maxRequestBytes: this.opts.maxRequestBytes,
        idleTimeoutMs: this.opts.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs,
        ratePerSecond: rate.perSecond,
        rateBurst: rate.burst,
        maxUnreadReplyBytes: DEFAULTS.maxUnreadReplyBytes,
      },
      this.clock,
      {
        serve: (line, limited) => this.serve(line, limited),
        tooLargeReply: () => {
          this.counters.requests += 1;
          this.counters.errors += 1;
          this.counters.tooLarge += 1;
          this.opts.log.warn({ maxRequestBytes: this.opts.maxRequestBytes }, 'control request too large; connection closed');
          const message = `request line longer than ${this.opts.maxRequestBytes} bytes; connection closed`;
          return encodeReply(errorReply(null, 'too_large', message));
        },
        onClose: () => this.connections.delete(connection),
      },
    );
    this.connections.add(connection);
    connection.start();
  }

  /** One request line in, one reply line out. Never throws. */
  private async serve(line: string, rateLimited: boolean): Promise<string> {
    this.counters.requests += 1;
    const reply = await this.answer(line, rateLimited);
    if (!reply.ok) this.counters.errors += 1;
    try {
      return encodeReply(reply);
    } catch (err) {
      // A handler returned something JSON cannot carry (a BigInt, a cycle): a daemon bug.
      this.counters.errors += reply.ok ? 1 : 0;
      this.counters.internalErrors += 1;
      this.opts.log.error({ err }, 'control reply could not be encoded');
      return encodeReply(errorReply(reply.id, 'internal', 'the reply could not be encoded; see the daemon log'));
    }
  }

  private async answer(line: string, rateLimited: boolean): Promise<ControlReply> {
    const parsed = parseRequestLine(line);
    if (rateLimited) {
      this.counters.rateLimited += 1;
      const rate = this.opts.rateLimit ?? DEFAULTS.rateLimit;
      const id = parsed.ok ? parsed.request.id : parsed.id;
      this.opts.log.debug('control request rate limited');
      return errorReply(id, 'rate_limited', `more than ${rate.perSecond} requests per second on one connection; slow down`);
    }
    if (!parsed.ok) {
      // Only the code: the line itself may hold anything, personal data included.
      this.opts.log.debug({ code: parsed.error.code }, 'control request refused');
      return errorReply(parsed.id, parsed.error.code, parsed.error.message);
    }
    try {
      const outcome = await dispatchRequest(this.registry, this.opts.context, parsed.request);
      if (outcome.internalError !== undefined) {
        this.counters.internalErrors += 1;
        this.opts.log.error({ err: outcome.internalError, cmd: parsed.request.cmd }, 'control command failed');
      }
      return outcome.reply;
    } catch (err) {
      this.counters.internalErrors += 1;
      this.opts.log.error({ err, cmd: parsed.request.cmd }, 'control dispatch failed');
      return errorReply(parsed.request.id, 'internal', 'the daemon failed to answer; see its log');
    }
  }
}
