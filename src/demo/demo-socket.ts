import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { LineReader } from '../control/line-reader.js';
import { CommandError, encodeReply, errorReply, parseRequestLine } from '../control/protocol.js';
import { prepareSocketPath } from '../control/socket-file.js';
import { systemClock } from '../util/clock.js';

export type DemoHandler = (args: Record<string, unknown>) => Promise<unknown> | unknown;

/**
 * The orchestrator's own Unix socket (<demo>/demo.sock), speaking the lanes' control protocol
 * (newline-delimited JSON, src/control/protocol.ts) so `request()` from src/control/client.ts talks to
 * it. The scenario runner (npm run sim) uses it to act on the simulators the orchestrator owns: write a
 * code into the scanner, show a plate to the camera, put a tag in the RFID field, set the loop.
 */
export class DemoSocket {
  private server: Server | null = null;
  private readonly connections = new Set<Socket>();

  constructor(
    private readonly path: string,
    private readonly handlers: Readonly<Record<string, DemoHandler>>,
  ) {}

  async start(): Promise<void> {
    await prepareSocketPath(this.path, systemClock).catch((err: Error) => {
      throw new Error(err.message.replace('another lane daemon is', 'another demo is'));
    });
    const server = createServer((socket) => this.serve(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.connections) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }

  private serve(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => undefined);
    const reader = new LineReader(1024 * 1024);
    socket.on('data', (chunk: Buffer) => {
      const { lines, overflow } = reader.push(chunk);
      for (const line of lines) void this.answer(socket, line.toString('utf8'));
      if (overflow) socket.end(encodeReply(errorReply(null, 'too_large', 'request line too long')));
    });
  }

  private async answer(socket: Socket, line: string): Promise<void> {
    const parsed = parseRequestLine(line);
    if (!parsed.ok) {
      socket.write(encodeReply({ id: parsed.id, ok: false, error: parsed.error }));
      return;
    }
    const { id, cmd, args } = parsed.request;
    const handler = this.handlers[cmd];
    if (handler === undefined) {
      socket.write(encodeReply(errorReply(id, 'unknown_command', `unknown demo command '${cmd}'; known: ${Object.keys(this.handlers).join(', ')}`)));
      return;
    }
    try {
      const result = await handler(args);
      if (!socket.destroyed) socket.write(encodeReply({ id, ok: true, result: result ?? null }));
    } catch (err) {
      const code = err instanceof CommandError ? err.code : 'failed';
      if (!socket.destroyed) socket.write(encodeReply(errorReply(id, code, (err as Error).message)));
    }
  }
}
