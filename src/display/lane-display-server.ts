import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport, HealthState, Service } from '../app/service.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import {
  DETAILS,
  isDetail,
  isScreen,
  SCREEN_LIGHT,
  SCREENS,
  type DisplayLane,
  type DisplayState,
  type LaneDisplay,
  type Screen,
  type ShowOptions,
  type ShowResult,
} from './display-state.js';
import { renderView } from './display-view.js';
import { requestPath, send, sendJson, sendText, SECURITY_HEADERS } from './http-responses.js';
import { chooseLanguages, type Lang } from './languages.js';
import { PAGE_CSS } from './page/page-css.js';
import { renderPageHtml } from './page/page-html.js';
import { PAGE_JS } from './page/page-js.js';
import { SseClients, sseFrame } from './sse-clients.js';

export interface LaneDisplayServerOptions {
  lane: DisplayLane;
  /** The lane's languages, primary first (a people lane at Mong Cai: vi, zh, en). */
  languages?: readonly Lang[];
  /** Default 127.0.0.1: the screen's browser runs on the lane PC. */
  host?: string;
  /** Default 8090; 0 picks a free port (tests), read it back from `port`. */
  port?: number;
  log: Logger;
  clock?: Clock;
  /** Named `heartbeat` event interval; default 15 s. */
  heartbeatMs?: number;
  /** The page shows "display offline" after this long without any event; default 30 s. */
  offlineAfterMs?: number;
  /** How long the page waits before reopening a stream the server refused; default 3 s. */
  reconnectMs?: number;
  /** Concurrent /events streams; default 16. */
  maxClients?: number;
  /** Screen shown before the lane runner first calls show(); default `idle`. */
  initialScreen?: Screen;
}

export const DISPLAY_DEFAULTS = {
  host: '127.0.0.1',
  port: 8090,
  languages: ['vi', 'zh', 'en'] as readonly Lang[],
  heartbeatMs: 15_000,
  offlineAfterMs: 30_000,
  reconnectMs: 3_000,
  maxClients: 16,
  // A state frame is well under 2 KiB; 256 KiB of backlog means a browser has stopped reading.
  maxBacklogBytes: 256 * 1024,
  // EventSource's own reconnect delay after a network error (sent as `retry:`).
  sseRetryMs: 2_000,
};

interface Counters {
  requests: number;
  notFound: number;
  rejectedMethod: number;
  streamsOpened: number;
  streamsRefused: number;
  streamsDroppedSlow: number;
  updates: number;
  refusedShows: number;
}

const EVENT_STREAM_HEADERS = {
  ...SECURITY_HEADERS,
  'Content-Type': 'text/event-stream; charset=utf-8',
  Connection: 'keep-alive',
  // Tells nginx-style proxies not to buffer, should the screen ever sit behind one.
  'X-Accel-Buffering': 'no',
};

/**
 * The lane's screen: a small HTTP server with one page that follows the lane live over Server-Sent
 * Events. Routes: `/` (the page), `/app.js`, `/app.css`, `/events` (SSE: the current state at once,
 * then every change, and a heartbeat), `/state` (JSON), `/healthz`. Nothing else exists; no file is
 * ever read from disk.
 *
 * The lane runner calls show(). State and logs hold keys only: the nationality is used to order the
 * languages and then forgotten.
 */
export class LaneDisplayServer implements Service, LaneDisplay {
  readonly name = 'display';
  // The lane can still run (and officers can still wave people through) with a dark screen.
  readonly critical = false;

  private readonly clock: Clock;
  private readonly languages: Lang[];
  private readonly streams: SseClients;
  private server: Server | null = null;
  private heartbeat: TimerHandle | null = null;
  private boundPort: number | null = null;
  private page: Buffer | null = null;
  private state: DisplayState;
  private health_: HealthState = 'stopped';
  private since: number;
  private lastError: string | null = null;
  private readonly counters: Counters = {
    requests: 0,
    notFound: 0,
    rejectedMethod: 0,
    streamsOpened: 0,
    streamsRefused: 0,
    streamsDroppedSlow: 0,
    updates: 0,
    refusedShows: 0,
  };

  constructor(private readonly opts: LaneDisplayServerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.languages = chooseLanguages(opts.languages ?? DISPLAY_DEFAULTS.languages);
    this.streams = new SseClients(DISPLAY_DEFAULTS.maxBacklogBytes);
    this.since = this.clock.now();
    const screen = opts.initialScreen ?? 'idle';
    this.state = {
      lane: { ...opts.lane },
      screen,
      languages: [...this.languages],
      light: SCREEN_LIGHT[screen],
      updatedAt: this.clock.now(),
    };
  }

  /** The bound TCP port (useful with port 0); null while stopped. */
  get port(): number | null {
    return this.boundPort;
  }

  /** e.g. http://127.0.0.1:8090/ ; null while stopped. */
  get url(): string | null {
    if (this.boundPort === null) return null;
    const host = this.opts.host ?? DISPLAY_DEFAULTS.host;
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.boundPort}/`;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error(`lane display already started on port ${this.boundPort}`);
    const host = this.opts.host ?? DISPLAY_DEFAULTS.host;
    const port = this.opts.port ?? DISPLAY_DEFAULTS.port;
    this.setHealth('starting');
    this.page = Buffer.from(
      renderPageHtml({
        lane: this.state.lane,
        languages: this.languages,
        offlineAfterMs: this.opts.offlineAfterMs ?? DISPLAY_DEFAULTS.offlineAfterMs,
        reconnectMs: this.opts.reconnectMs ?? DISPLAY_DEFAULTS.reconnectMs,
      }),
      'utf8',
    );
    const server = createServer((req, res) => this.onRequest(req, res));
    // Screens, a health probe and a technician's curl: a small cap keeps a runaway client from
    // using up the daemon's file descriptors.
    server.maxConnections = (this.opts.maxClients ?? DISPLAY_DEFAULTS.maxClients) * 2 + 8;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      this.lastError = `cannot listen on ${host}:${port}: ${code}`;
      this.setHealth('failed');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw new Error(`lane display ${this.lastError}`, { cause: err });
    }
    server.on('error', (err) => this.opts.log.error({ err }, 'display server error'));
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    const every = this.opts.heartbeatMs ?? DISPLAY_DEFAULTS.heartbeatMs;
    this.heartbeat = this.clock.setInterval(() => this.sendHeartbeat(), every);
    this.setHealth('ok');
    this.opts.log.info({ host, port: this.boundPort, languages: this.languages }, 'lane display listening');
  }

  async stop(): Promise<void> {
    this.heartbeat?.cancel();
    this.heartbeat = null;
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    this.streams.closeAll();
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets would otherwise hold close() open for the keep-alive timeout.
      server.closeAllConnections();
      await closed;
    }
    if (this.health_ !== 'failed') this.setHealth('stopped');
  }

  health(): HealthReport {
    return {
      state: this.health_,
      since: this.since,
      reconnects: 0,
      lastError: this.lastError,
      counters: { ...this.counters, streams: this.streams.size },
    };
  }

  current(): DisplayState {
    return structuredClone(this.state);
  }

  /**
   * Changes what the screen shows and pushes it to every open page. Bad input (from a bug in the
   * caller) is refused with a reason rather than thrown: the lane's passage must not fail because of
   * its screen. The refused value is not echoed anywhere, in case a caller passed the wrong string
   * (a QR payload) by mistake.
   */
  show(screen: Screen, opts: ShowOptions = {}): ShowResult {
    if (!isScreen(screen)) return this.refuse(`unknown screen; expected one of: ${SCREENS.join(', ')}`);
    if (opts.reason !== undefined && !isDetail(opts.reason)) {
      return this.refuse(`unknown reason; expected one of: ${DETAILS.join(', ')}`);
    }
    const next: DisplayState = {
      lane: this.state.lane,
      screen,
      languages: chooseLanguages(this.languages, opts.nationality),
      light: SCREEN_LIGHT[screen],
      updatedAt: this.clock.now(),
    };
    if (opts.reason !== undefined) next.detail = opts.reason;
    this.state = next;
    this.counters.updates += 1;
    const dropped = this.streams.broadcast(sseFrame('state', JSON.stringify(renderView(next))));
    this.noteDropped(dropped);
    // Keys only; the nationality never reaches the log (the chosen order does not identify anyone).
    this.opts.log.debug({ screen, detail: next.detail ?? null, primary: next.languages[0] }, 'display updated');
    return { ok: true, state: this.current() };
  }

  private refuse(error: string): ShowResult {
    this.counters.refusedShows += 1;
    this.opts.log.warn('display show() refused: bad screen or reason from the caller');
    return { ok: false, error };
  }

  private noteDropped(dropped: number): void {
    if (dropped === 0) return;
    this.counters.streamsDroppedSlow += dropped;
    this.opts.log.warn({ dropped }, 'display stream dropped: the screen stopped reading');
  }

  private sendHeartbeat(): void {
    const dropped = this.streams.broadcast(sseFrame('heartbeat', JSON.stringify({ at: this.clock.now() })));
    this.noteDropped(dropped);
  }

  private setHealth(state: HealthState): void {
    if (state === this.health_) return;
    this.health_ = state;
    this.since = this.clock.now();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.counters.requests += 1;
    // A GET has no body worth reading; drain whatever was sent so the socket can be reused.
    req.resume();
    res.on('error', () => res.destroy());
    const method = req.method ?? '';
    if (method !== 'GET' && method !== 'HEAD') {
      this.counters.rejectedMethod += 1;
      sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    switch (requestPath(req.url)) {
      case '/':
        send(res, 200, 'text/html; charset=utf-8', this.page ?? '');
        return;
      case '/app.js':
        send(res, 200, 'text/javascript; charset=utf-8', PAGE_JS);
        return;
      case '/app.css':
        send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
        return;
      case '/state':
        sendJson(res, 200, renderView(this.state));
        return;
      case '/healthz':
        sendJson(res, this.health_ === 'ok' ? 200 : 503, { state: this.health_, streams: this.streams.size });
        return;
      case '/events':
        this.openStream(req, res);
        return;
      default:
        this.counters.notFound += 1;
        sendText(res, 404, 'not found');
    }
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    const max = this.opts.maxClients ?? DISPLAY_DEFAULTS.maxClients;
    if (this.streams.size >= max) {
      this.counters.streamsRefused += 1;
      this.opts.log.warn({ max }, 'display stream refused: too many screens connected');
      sendText(res, 503, `too many display streams (max ${max}); retry later`, { 'Retry-After': '5' });
      return;
    }
    res.writeHead(200, EVENT_STREAM_HEADERS);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // No Nagle delay: a "Proceed" should reach the screen as soon as it is written.
    req.socket.setNoDelay(true);
    this.counters.streamsOpened += 1;
    this.streams.add(res);
    this.streams.write(res, `retry: ${DISPLAY_DEFAULTS.sseRetryMs}\n\n`);
    this.streams.write(res, sseFrame('state', JSON.stringify(renderView(this.state))));
  }
}
