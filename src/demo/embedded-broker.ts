import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/**
 * The demo's MQTT broker: aedes in the orchestrator's process on a loopback port (MQTT 3.1.1, so the
 * lanes run with mqtt.protocolVersion 4). A production site runs Mosquitto or EMQX instead; the lanes
 * do not know the difference.
 */
export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly port: number) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({});
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new Error(`MQTT broker cannot listen on 127.0.0.1:${this.port}: ${err.message}`)));
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.broker = broker;
    this.server = server;
  }

  async stop(): Promise<void> {
    const { broker, server } = this;
    this.broker = null;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
