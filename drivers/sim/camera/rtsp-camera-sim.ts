import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { FfmpegProcess } from '../../camera/ffmpeg-process.js';
import { systemClock } from '../../../src/util/clock.js';

export interface RtspCameraSimOptions {
  width?: number;
  height?: number;
  fps?: number;
  ffmpegPath?: string;
  /** Port to listen on (127.0.0.1); 0 picks a free one. */
  port?: number;
}

interface RtspRequest {
  method: string;
  uri: string;
  headers: Map<string, string>;
}

interface Client {
  socket: Socket;
  playing: boolean;
  buffer: Buffer;
}

const SESSION_ID = '6c616e65';

/**
 * A small RTSP server playing one H.264 stream, so the camera driver can be tested as the RTSP client it
 * is in production (Debian has no RTSP server package that a test could start; mediamtx is not packaged).
 *
 * ffmpeg encodes testsrc2 with x264 and sends RTP over UDP on loopback; this server answers OPTIONS,
 * DESCRIBE, SETUP (interleaved TCP only: UDP transport is refused with 461, so a test proves the driver
 * asks for TCP), PLAY, GET_PARAMETER and TEARDOWN, and relays every RTP/RTCP packet to playing clients as
 * interleaved `$` frames on their RTSP connection. Faults: freeze() stops relaying with the connection
 * open (a hung camera: ffmpeg just waits), die() cuts connections and stops listening, revive() listens again.
 */
export class RtspCameraSim {
  private readonly opts: RtspCameraSimOptions;
  private proc: FfmpegProcess | null = null;
  private rtp: UdpSocket | null = null;
  private rtcp: UdpSocket | null = null;
  private server: Server | null = null;
  private boundPort = 0;
  private mediaSdp = '';
  private readonly clients = new Set<Client>();
  private frozen = false;
  readonly stats = { connections: 0, plays: 0, packets: 0, rejectedUdp: 0 };

  constructor(opts: RtspCameraSimOptions = {}) {
    this.opts = opts;
  }

  async start(): Promise<void> {
    this.rtp = await bindUdp();
    this.rtcp = await bindUdp();
    this.rtp.on('message', (packet: Buffer) => this.relay(0, packet));
    this.rtcp.on('message', (packet: Buffer) => this.relay(1, packet));
    this.mediaSdp = await this.startEncoder(this.rtp.address().port, this.rtcp.address().port);
    await this.listen(this.opts.port ?? 0);
  }

  get port(): number {
    return this.boundPort;
  }

  url(path = '/live'): string {
    return `rtsp://127.0.0.1:${this.boundPort}${path}`;
  }

  freeze(): void {
    this.frozen = true;
  }

  resume(): void {
    this.frozen = false;
  }

  /** Clients currently receiving the stream. */
  playingClients(): number {
    return [...this.clients].filter((c) => c.playing).length;
  }

  async die(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const client of this.clients) client.socket.destroy();
    this.clients.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async revive(): Promise<void> {
    if (!this.server) await this.listen(this.boundPort);
  }

  async stop(): Promise<void> {
    await this.die();
    const proc = this.proc;
    this.proc = null;
    if (proc) await proc.stop();
    await Promise.all([closeUdp(this.rtp), closeUdp(this.rtcp)]);
    this.rtp = null;
    this.rtcp = null;
  }

  /** Starts the encoder and returns the media lines of the SDP it prints. */
  private startEncoder(rtpPort: number, rtcpPort: number): Promise<string> {
    const fps = this.opts.fps ?? 10;
    const size = `${this.opts.width ?? 320}x${this.opts.height ?? 240}`;
    let stdout = '';
    let lastError = '';
    return new Promise<string>((resolve, reject) => {
      this.proc = new FfmpegProcess({
        ffmpegPath: this.opts.ffmpegPath ?? 'ffmpeg',
        clock: systemClock,
        // One keyframe per second so a client joining mid-stream decodes within a second.
        args: [
          ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`],
          ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(fps), '-pix_fmt', 'yuv420p', '-flags', '+global_header'],
          ...['-f', 'rtp', `rtp://127.0.0.1:${rtpPort}?rtcpport=${rtcpPort}`],
        ],
        onStdout: (chunk) => {
          stdout += chunk.toString('utf8');
          const sdp = mediaSection(stdout);
          if (sdp !== null) resolve(sdp);
        },
        onStderrLine: (line) => {
          lastError = line;
        },
        onExit: (exit) => {
          this.proc = null;
          reject(new Error(`RTSP simulator encoder ended (code ${exit.code}, ${exit.spawnError?.message ?? lastError})`));
        },
      });
    });
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
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

  private accept(socket: Socket): void {
    this.stats.connections += 1;
    const client: Client = { socket, playing: false, buffer: Buffer.alloc(0) };
    this.clients.add(client);
    socket.on('data', (chunk: Buffer) => {
      client.buffer = Buffer.concat([client.buffer, chunk]);
      this.readRequests(client);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.clients.delete(client));
  }

  private readRequests(client: Client): void {
    for (;;) {
      const buf = client.buffer;
      if (buf.length === 0) return;
      if (buf[0] === 0x24) {
        // Interleaved packet from the client (its RTCP receiver reports): skip it.
        if (buf.length < 4) return;
        const end = 4 + buf.readUInt16BE(2);
        if (buf.length < end) return;
        client.buffer = buf.subarray(end);
        continue;
      }
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) {
        if (buf.length > 16_384) client.socket.destroy(); // not RTSP
        return;
      }
      const request = parseRequest(buf.subarray(0, headEnd).toString('latin1'));
      const bodyLength = Number(request?.headers.get('content-length') ?? '0');
      if (buf.length < headEnd + 4 + bodyLength) return;
      client.buffer = buf.subarray(headEnd + 4 + bodyLength);
      if (!request) {
        client.socket.destroy();
        return;
      }
      this.answer(client, request);
    }
  }

  private answer(client: Client, req: RtspRequest): void {
    const cseq = req.headers.get('cseq') ?? '0';
    const reply = (status: string, headers: Record<string, string> = {}, body = ''): void => {
      const lines = [`RTSP/1.0 ${status}`, `CSeq: ${cseq}`, 'Server: lane-camera-sim'];
      for (const [key, value] of Object.entries(headers)) lines.push(`${key}: ${value}`);
      if (body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      client.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    };
    const base = req.uri.replace(/\/+$/, '');
    switch (req.method) {
      case 'OPTIONS':
        return reply('200 OK', { Public: 'OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER' });
      case 'DESCRIBE': {
        const sdp = [
          'v=0',
          'o=- 0 0 IN IP4 127.0.0.1',
          's=lane camera simulator',
          'c=IN IP4 0.0.0.0',
          't=0 0',
          'a=control:*',
          this.mediaSdp,
          'a=control:track0',
          '',
        ].join('\r\n');
        return reply('200 OK', { 'Content-Type': 'application/sdp', 'Content-Base': `${base}/` }, sdp);
      }
      case 'SETUP': {
        const transport = req.headers.get('transport') ?? '';
        if (!/RTP\/AVP\/TCP/i.test(transport)) {
          this.stats.rejectedUdp += 1;
          return reply('461 Unsupported Transport');
        }
        return reply('200 OK', { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1', Session: `${SESSION_ID};timeout=60` });
      }
      case 'PLAY':
        client.playing = true;
        this.stats.plays += 1;
        return reply('200 OK', { Session: SESSION_ID, Range: 'npt=0.000-' });
      case 'GET_PARAMETER':
        return reply('200 OK', { Session: SESSION_ID });
      case 'TEARDOWN':
        client.playing = false;
        reply('200 OK', { Session: SESSION_ID });
        client.socket.end();
        return;
      default:
        return reply('405 Method Not Allowed');
    }
  }

  private relay(channel: number, packet: Buffer): void {
    if (this.frozen) return;
    const header = Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]);
    for (const client of this.clients) {
      if (!client.playing || client.socket.writableLength > 1 << 20) continue;
      client.socket.write(Buffer.concat([header, packet]));
      if (channel === 0) this.stats.packets += 1;
    }
  }
}

function parseRequest(head: string): RtspRequest | null {
  const [first, ...rest] = head.split('\r\n');
  const match = /^([A-Z_]+) (\S+) RTSP\/1\.0$/.exec(first ?? '');
  if (!match) return null;
  const headers = new Map<string, string>();
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { method: match[1] as string, uri: match[2] as string, headers };
}

/** The `m=` line and the attributes after it, from the SDP ffmpeg prints for an RTP output; null until complete. */
function mediaSection(stdout: string): string | null {
  const start = stdout.indexOf('m=video');
  if (start < 0) return null;
  const end = stdout.indexOf('\n\n', start);
  if (end < 0) return null;
  return stdout
    .slice(start, end)
    .split(/\r?\n/)
    .filter((line) => line !== '')
    .map((line) => (line.startsWith('m=video') ? line.replace(/^m=video \d+/, 'm=video 0') : line))
    .join('\r\n');
}

function bindUdp(): Promise<UdpSocket> {
  const socket = createSocket('udp4');
  return new Promise<UdpSocket>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function closeUdp(socket: UdpSocket | null): Promise<void> {
  if (!socket) return Promise.resolve();
  return new Promise<void>((resolve) => socket.close(() => resolve()));
}
