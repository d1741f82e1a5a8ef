import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { TestPatternJpegSource, type TestPatternOptions } from './test-pattern.js';

export interface HttpCameraSimOptions extends TestPatternOptions {
  /** Port to listen on (127.0.0.1); 0 picks a free one. */
  port?: number;
  /** When set, requests must carry HTTP basic auth with these credentials (else 401). */
  credentials?: { user: string; password: string };
}

const BOUNDARY = 'lanecamboundary';
/** A client whose socket has this much unsent data misses frames, as a real camera's encoder would drop them. */
const SLOW_CLIENT_BYTES = 1 << 20;

/**
 * An HTTP camera as the driver sees one: `GET /stream.mjpeg` answers multipart/x-mixed-replace JPEG parts
 * (the common MJPEG camera), `GET /snapshot.jpg` one JPEG. The pictures are ffmpeg's testsrc2. Faults for
 * tests and demos:
 * - freeze(): nothing more is sent, connections stay open (a hung camera);
 * - die(): every connection is cut and the port closed (power loss); revive() listens again;
 * - setGarbage(n): n random bytes before every part (a broken encoder or a noisy link).
 */
export class HttpCameraSim {
  private readonly opts: HttpCameraSimOptions;
  private readonly source: TestPatternJpegSource;
  private server: Server | null = null;
  private boundPort = 0;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<ServerResponse>();
  private readonly heldSnapshots = new Set<ServerResponse>();
  private frozen = false;
  private garbage = 0;
  readonly stats = { connections: 0, parts: 0, snapshots: 0, garbageBytes: 0, rejected: 0 };

  constructor(opts: HttpCameraSimOptions = {}) {
    this.opts = opts;
    this.source = new TestPatternJpegSource(opts);
  }

  async start(): Promise<void> {
    this.source.on('image', this.broadcast);
    await this.source.start();
    await this.listen(this.opts.port ?? 0);
  }

  get port(): number {
    return this.boundPort;
  }

  /** Stream URL; `auth` puts user:password into it, as camera configs usually do. */
  streamUrl(auth?: { user: string; password: string }): string {
    return this.url('/stream.mjpeg', auth);
  }

  snapshotUrl(auth?: { user: string; password: string }): string {
    return this.url('/snapshot.jpg', auth);
  }

  freeze(): void {
    this.frozen = true;
  }

  resume(): void {
    this.frozen = false;
    for (const res of this.heldSnapshots) this.answerSnapshot(res);
    this.heldSnapshots.clear();
  }

  setGarbage(bytesBeforeEachPart: number): void {
    this.garbage = bytesBeforeEachPart;
  }

  /** Cuts every connection and stops listening: the driver sees EOF, then "connection refused". */
  async die(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.streams.clear();
    this.heldSnapshots.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async revive(): Promise<void> {
    if (!this.server) await this.listen(this.boundPort);
  }

  /** Number of open stream responses (how many readers are connected right now). */
  streamClients(): number {
    return this.streams.size;
  }

  async stop(): Promise<void> {
    this.source.off('image', this.broadcast);
    await this.die();
    await this.source.stop();
  }

  private url(path: string, auth?: { user: string; password: string }): string {
    const userInfo = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : '';
    return `http://${userInfo}127.0.0.1:${this.boundPort}${path}`;
  }

  private listen(port: number): Promise<void> {
    const server = createServer(this.handle);
    server.on('connection', (socket) => {
      this.stats.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        this.boundPort = typeof address === 'object' && address !== null ? address.port : port;
        resolve();
      });
    });
  }

  private readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.authorised(req)) {
      this.stats.rejected += 1;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="camera"', 'content-length': '0' });
      res.end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/stream.mjpeg') {
      res.writeHead(200, {
        'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
        'cache-control': 'no-cache',
        connection: 'close',
      });
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
    } else if (path === '/snapshot.jpg') {
      if (this.frozen) this.heldSnapshots.add(res);
      else this.answerSnapshot(res);
    } else {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
    }
  };

  private authorised(req: IncomingMessage): boolean {
    const wanted = this.opts.credentials;
    if (!wanted) return true;
    const header = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${wanted.user}:${wanted.password}`).toString('base64')}`;
    return header === expected;
  }

  private answerSnapshot(res: ServerResponse): void {
    const image = this.source.latest();
    if (!image) {
      res.writeHead(503, { 'content-length': '0' });
      res.end();
      return;
    }
    this.stats.snapshots += 1;
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(image.length) });
    res.end(image);
  }

  private readonly broadcast = (image: Buffer): void => {
    if (this.frozen) return;
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${image.length}\r\n\r\n`);
    for (const res of this.streams) {
      if (res.writableLength > SLOW_CLIENT_BYTES) continue;
      if (this.garbage > 0) {
        res.write(randomBytes(this.garbage));
        this.stats.garbageBytes += this.garbage;
      }
      res.write(Buffer.concat([head, image, Buffer.from('\r\n')]));
      this.stats.parts += 1;
    }
  };
}
