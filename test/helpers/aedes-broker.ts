import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/**
 * An in-process MQTT broker (aedes, MQTT 3.1.1 only: aedes has no MQTT 5) on a free loopback
 * port, for fast tests. `restart()` closes it (every client sees the connection drop; retained
 * messages and subscriptions are gone, as after a real broker restart without persistence) and
 * opens a fresh broker on the same port. Always `close()` it.
 */
export interface AedesBroker {
  readonly url: string;
  readonly port: number;
  broker: Aedes;
  /** While true, new TCP connections are closed at once (an outage without losing broker state). */
  refuseConnections: boolean;
  restart(opts?: { downMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface AedesOptions {
  /** Checks CONNECT credentials; absent: anonymous access. */
  authenticate?(username: string | undefined, password: string | undefined): boolean;
}

async function open(port: number, shouldRefuse: () => boolean, opts: AedesOptions): Promise<{ broker: Aedes; server: Server; sockets: Set<Socket> }> {
  const check = opts.authenticate;
  const broker = await Aedes.createBroker(
    check === undefined
      ? {}
      : {
          authenticate: (_client, username, password, done) => {
            if (check(username, password?.toString('utf8'))) return done(null, true);
            const err = Object.assign(new Error('bad username or password'), { returnCode: 4 });
            done(err as never, false);
          },
        },
  );
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    if (shouldRefuse()) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { broker, server, sockets };
}

async function shut(parts: { broker: Aedes; server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const s of parts.sockets) s.destroy();
  await new Promise<void>((resolve) => parts.broker.close(() => resolve()));
  await new Promise<void>((resolve) => parts.server.close(() => resolve()));
}

export async function startAedes(opts: AedesOptions = {}): Promise<AedesBroker> {
  let refuse = false;
  let parts = await open(0, () => refuse, opts);
  const address = parts.server.address();
  if (address === null || typeof address === 'string') throw new Error('aedes: no TCP address');
  const port = address.port;
  const handle: AedesBroker = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    broker: parts.broker,
    get refuseConnections() {
      return refuse;
    },
    set refuseConnections(v: boolean) {
      refuse = v;
    },
    async restart(restartOpts = {}) {
      await shut(parts);
      if (restartOpts.downMs) await new Promise((r) => setTimeout(r, restartOpts.downMs));
      parts = await open(port, () => refuse, opts);
      handle.broker = parts.broker;
    },
    async close() {
      await shut(parts);
    },
  };
  return handle;
}
