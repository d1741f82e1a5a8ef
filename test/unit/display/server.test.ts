import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DisplayView } from '../../../src/display/display-view.js';
import { LaneDisplayServer, type LaneDisplayServerOptions } from '../../../src/display/lane-display-server.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { trackHandles } from '../../helpers/leaks.js';
import { LogCapture } from '../../helpers/log-capture.js';
import { httpRequest, SseReader } from './http-client.js';

interface Harness {
  server: LaneDisplayServer;
  port: number;
  clock: FakeClock;
  logs: LogCapture;
}

const open: LaneDisplayServer[] = [];
const readers: SseReader[] = [];

async function startDisplay(extra: Partial<LaneDisplayServerOptions> = {}): Promise<Harness> {
  const logs = new LogCapture();
  const clock = new FakeClock();
  const hub = new LogHub({ level: 'debug', destination: logs, now: () => clock.now() });
  const server = new LaneDisplayServer({
    lane: { id: 'mc-p3', kind: 'people', name: 'Mong Cai people 3' },
    languages: ['vi', 'zh', 'en'],
    port: 0,
    log: hub.child('display'),
    clock,
    ...extra,
  });
  open.push(server);
  await server.start();
  return { server, port: server.port!, clock, logs };
}

async function openStream(port: number): Promise<SseReader> {
  const reader = await SseReader.open(port);
  readers.push(reader);
  return reader;
}

afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  for (const s of open.splice(0)) await s.stop();
});

describe('LaneDisplayServer lifecycle', () => {
  it('starts on a free port, reports ok, and leaves no handle after stop', async () => {
    const leaks = trackHandles();
    const { server, port } = await startDisplay();
    expect(port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${port}/`);
    expect(server.health().state).toBe('ok');
    const stream = await openStream(port);
    await stream.next('state');
    await httpRequest(port, '/state');
    await server.stop();
    await stream.waitEnd();
    expect(server.health().state).toBe('stopped');
    expect(server.port).toBeNull();
    await leaks.assertNoneLeft();
  });

  it('closes open streams on stop, so the screen notices at once', async () => {
    const { server, port } = await startDisplay();
    const a = await openStream(port);
    const b = await openStream(port);
    await a.next('state');
    await b.next('state');
    expect(server.health().counters.streams).toBe(2);
    await server.stop();
    await Promise.all([a.waitEnd(), b.waitEnd()]);
    expect(a.ended && b.ended).toBe(true);
  });

  it('fails to start with a clear reason when the port is taken, and leaks nothing', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    const leaks = trackHandles();
    const server = new LaneDisplayServer({
      lane: { id: 'mc-p3', kind: 'people' },
      port: taken,
      log: new LogHub({ level: 'silent' }).child('display'),
      clock: new FakeClock(),
    });
    await expect(server.start()).rejects.toThrow(`lane display cannot listen on 127.0.0.1:${taken}: EADDRINUSE`);
    expect(server.health()).toMatchObject({ state: 'failed', lastError: `cannot listen on 127.0.0.1:${taken}: EADDRINUSE` });
    await server.stop();
    await leaks.assertNoneLeft();
    await new Promise<void>((r) => blocker.close(() => r()));
  });

  it('refuses a second start', async () => {
    const { server } = await startDisplay();
    await expect(server.start()).rejects.toThrow('already started');
  });
});

describe('routes', () => {
  it('serves the page with a strict policy and no inline code', async () => {
    const { port } = await startDisplay();
    const page = await httpRequest(port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<script src="/app.js" defer></script>');
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(page.body).toContain('Display offline');
    expect(page.body).toContain('Mong Cai people 3');

    const js = await httpRequest(port, '/app.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain("new EventSource('/events')");
    const css = await httpRequest(port, '/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['x-content-type-options']).toBe('nosniff');
  });

  it('escapes the configured lane name in the page', async () => {
    const { port } = await startDisplay({ lane: { id: 'x', kind: 'people', name: '<img src=x onerror=alert(1)>' } });
    const page = await httpRequest(port, '/');
    expect(page.body).not.toContain('<img');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers /state and /healthz as JSON', async () => {
    const { port, server } = await startDisplay();
    const state = await httpRequest(port, '/state?x=1');
    expect(state.status).toBe(200);
    const view = JSON.parse(state.body) as DisplayView;
    expect(view.state).toMatchObject({ screen: 'idle', light: 'off', languages: ['vi', 'zh', 'en'], lane: { id: 'mc-p3' } });
    expect(view.blocks[0]).toMatchObject({ lang: 'vi', title: 'Làn đang mở' });
    const health = await httpRequest(port, '/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ state: 'ok', streams: 0 });
    expect(server.health().counters.requests).toBe(2);
  });

  it('answers 404 to anything else, traversal attempts included', async () => {
    const { port, server } = await startDisplay();
    const targets = [
      '/index.html',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/app.js/../../package.json',
      '//etc/passwd',
      '/src/display/page/page-js.ts',
      '/STATE',
      '/state/',
      '/events/x',
    ];
    for (const target of targets) {
      const reply = await httpRequest(port, target);
      expect(reply.status, target).toBe(404);
      expect(reply.body, target).toBe('not found\n');
      expect(reply.headers['content-security-policy'], target).toBeDefined();
    }
    expect(server.health().counters.notFound).toBe(targets.length);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const { port } = await startDisplay();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await httpRequest(port, '/state', method);
      expect(reply.status, method).toBe(405);
      expect(reply.headers.allow).toBe('GET, HEAD');
    }
    const head = await httpRequest(port, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});

describe('live updates', () => {
  it('sends the current state on connect, then every change', async () => {
    const { server, port, clock } = await startDisplay();
    const stream = await openStream(port);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const first = await stream.next('state');
    expect((JSON.parse(first.data) as DisplayView).state.screen).toBe('idle');

    clock.advance(1_000);
    const result = server.show('denied', { nationality: 'CHN', reason: 'credential-expired' });
    expect(result.ok).toBe(true);
    const second = await stream.next('state', first.index + 1);
    const view = JSON.parse(second.data) as DisplayView;
    expect(view.state).toMatchObject({ screen: 'denied', light: 'red', detail: 'credential-expired', languages: ['zh', 'vi', 'en'] });
    expect(view.state.updatedAt).toBe(clock.now());
    expect(view.blocks.map((b) => b.title)).toEqual(['无法通行', 'Không được phép qua', 'Passage not permitted']);
    expect(view.blocks[0]!.detail).toBe('证件已过期');

    // The next traveller's nationality is unknown: back to the lane's order, no stale detail.
    server.show('scan-credential');
    const third = JSON.parse((await stream.next('state', second.index + 1)).data) as DisplayView;
    expect(third.state.languages).toEqual(['vi', 'zh', 'en']);
    expect(third.state.detail).toBeUndefined();
    expect(third.state.light).toBe('off');
  });

  it('a late screen gets the latest state, not the initial one', async () => {
    const { server, port } = await startDisplay();
    server.show('proceed', { nationality: 'GBR' });
    const stream = await openStream(port);
    const view = JSON.parse((await stream.next('state')).data) as DisplayView;
    expect(view.state).toMatchObject({ screen: 'proceed', light: 'green', languages: ['en', 'vi', 'zh'] });
  });

  it('sends a heartbeat event on the clock', async () => {
    const { port, clock } = await startDisplay({ heartbeatMs: 15_000 });
    const stream = await openStream(port);
    const first = await stream.next('state');
    clock.advance(14_999);
    clock.advance(1);
    const beat = await stream.next('heartbeat', first.index + 1);
    expect(JSON.parse(beat.data)).toEqual({ at: clock.now() });
    expect(stream.events.filter((e) => e.event === 'heartbeat')).toHaveLength(1);
  });

  it('caps the number of streams and recovers when one closes', async () => {
    const { server, port } = await startDisplay({ maxClients: 2 });
    const a = await openStream(port);
    const b = await openStream(port);
    await Promise.all([a.next('state'), b.next('state')]);
    const refused = await httpRequest(port, '/events');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(server.health().counters.streamsRefused).toBe(1);

    a.close();
    await a.waitEnd();
    // The server sees the close on its own schedule; poll /healthz until it has.
    for (let i = 0; i < 100 && server.health().counters.streams !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    const c = await openStream(port);
    expect(c.status).toBe(200);
    await c.next('state');
  });
});

describe('bad input and personal data', () => {
  it('refuses an unknown screen or reason with a reason, without throwing or echoing it', async () => {
    const { server, logs } = await startDisplay();
    const before = server.current();
    const payload = 'HC1:6BFOXN%TS3DHPVO13J /G-/2YRVA.Q/R8WRU2FC1J';
    const bad = server.show(payload as never);
    expect(bad).toEqual({ ok: false, error: expect.stringContaining('unknown screen; expected one of: idle,') });
    const badReason = server.show('denied', { reason: payload as never });
    expect(badReason.ok).toBe(false);
    expect(server.current()).toEqual(before);
    expect(server.health().counters.refusedShows).toBe(2);
    expect(JSON.stringify(bad) + JSON.stringify(badReason) + logs.raw.join('\n')).not.toContain('HC1:');
  });

  it('keeps the nationality out of the state, the stream and the log', async () => {
    const { server, port, logs } = await startDisplay();
    const stream = await openStream(port);
    const first = await stream.next('state');
    server.show('look-at-camera', { nationality: 'UTO' });
    const sent = await stream.next('state', first.index + 1);
    const state = await httpRequest(port, '/state');
    expect((JSON.parse(sent.data) as DisplayView).state.languages[0]).toBe('en');
    expect(logs.find('display updated')).toHaveLength(1);
    for (const text of [sent.data, state.body, JSON.stringify(server.current()), logs.raw.join('\n')]) {
      expect(text).not.toContain('UTO');
    }
  });
});
