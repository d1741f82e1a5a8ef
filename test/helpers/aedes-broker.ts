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

async function open(port: number, shouldRefuse: () => boolean): Promise<{ broker: Aedes; server: Server; sockets: Set<Socket> }> {
  const broker = await Aedes.createBroker();
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

export async function startAedes(): Promise<AedesBroker> {
  let refuse = false;
  let parts = await open(0, () => refuse);
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
    async restart(opts = {}) {
      await shut(parts);
      if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      parts = await open(port, () => refuse);
      handle.broker = parts.broker;
    },
    async close() {
      await shut(parts);
    },
  };
  return handle;
}
