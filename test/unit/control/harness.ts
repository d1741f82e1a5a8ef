import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { HealthReport } from '../../../src/app/service.js';
import type { ControlContext, LaneStatusSnapshot, ReloadOutcome, VersionInfo } from '../../../src/control/contract.js';
import { ControlServer, type ControlServerOptions } from '../../../src/control/server.js';
import type { StoreQueries } from '../../../src/control/store-queries.js';
import type { DeviceHandle, LaneControl } from '../../../src/control/lane-control.js';
import type { LogLevel, Logger } from '../../../src/util/logger.js';

/**
 * Test harness for the control socket: a fake ControlContext (what the composition root will
 * implement), a real server on a real Unix socket in a temp dir, and a raw line client.
 */

export function health(state: HealthReport['state'], extra: Partial<HealthReport> = {}): HealthReport {
  return { state, since: Date.UTC(2026, 0, 1, 9, 0, 0), reconnects: 0, lastError: null, counters: {}, ...extra };
}

export class FakeContext implements ControlContext {
  level: LogLevel = 'info';
  reloads = 0;
  nextReload: ReloadOutcome = { ok: true, applied: ['log.level'], needsRestart: ['mqtt.url'], errors: [] };
  services: Record<string, HealthReport> = {
    store: health('ok', { counters: { passages: 12 } }),
    'device:entry-scanner': health('degraded', { reconnects: 3, lastError: 'ENOENT /dev/ttyUSB0' }),
    control: health('ok'),
  };
  snapshot: Omit<LaneStatusSnapshot, 'services'> = {
    lane: 'gate-3',
    site: 'mongcai',
    kind: 'people',
    direction: 'entry',
    mode: 'degraded',
    degradedReasons: ['device:entry-scanner: ENOENT /dev/ttyUSB0'],
    startedAt: '2026-01-01T08:00:00.000Z',
    uptimeSeconds: 3725,
    version: '0.1.0',
    configPath: '/etc/lane-controller/gate-3.yaml',
    pid: 4242,
  };

  status(): LaneStatusSnapshot {
    return { ...this.snapshot, services: this.services };
  }
  version(): VersionInfo {
    return { name: 'lane-controller', version: '0.1.0', node: 'v20.0.0', commit: 'abc1234' };
  }
  async reloadConfig(): Promise<ReloadOutcome> {
    this.reloads += 1;
    return this.nextReload;
  }
  getLogLevel(): LogLevel {
    return this.level;
  }
  setLogLevel(level: LogLevel): void {
    this.level = level;
  }
  storeQueries(): StoreQueries | null {
    return this.store;
  }
  store: StoreQueries | null = null;
  syncStatus(): null {
    return null;
  }
  outboxSnapshot(): null {
    return null;
  }
  deviceList: DeviceHandle[] = [];
  devices(): DeviceHandle[] {
    return this.deviceList;
  }
  laneControl: LaneControl | null = null;
  lane(): LaneControl | null {
    return this.laneControl;
  }
}

/** A pino logger whose JSON lines land in `lines` (to check what the server logs). */
export function captureLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  // Short prefix: Unix socket paths are limited to 107 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'lc-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Running {
  server: ControlServer;
  socketPath: string;
  context: FakeContext;
  logs: string[];
}

export async function startServer(
  dir: string,
  overrides: Partial<ControlServerOptions> = {},
): Promise<Running> {
  const context = (overrides.context as FakeContext | undefined) ?? new FakeContext();
  const { log, lines } = captureLogger();
  const socketPath = overrides.socketPath ?? join(dir, 'run', 'lanectl.sock');
  const server = new ControlServer({
    socketPath,
    socketMode: 0o660,
    maxRequestBytes: 64 * 1024,
    log,
    ...overrides,
    context,
  });
  await server.start();
  return { server, socketPath, context, logs: lines };
}

/**
 * Writes `payload` on a fresh connection and collects reply lines until `count` arrived (or,
 * with untilClose, until the server hangs up; closed says whether it did). Write errors (EPIPE after the server hung up) are expected
 * for hostile payloads and ignored.
 */
export function exchange(
  socketPath: string,
  payload: string | Buffer,
  count = 1,
  untilClose = false,
): Promise<{ lines: string[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const lines: string[] = [];
    let buffer = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ lines, closed });
    };
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        lines.push(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      if (lines.length >= count && !untilClose) finish(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') return;
      if (!done) {
        done = true;
        reject(err);
      }
    });
    socket.on('close', () => finish(true));
  });
}

export function parse(line: string | undefined): Record<string, unknown> {
  if (line === undefined) throw new Error('no reply line');
  return JSON.parse(line) as Record<string, unknown>;
}
