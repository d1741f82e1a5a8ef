import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';

/**
 * Builds mqtt.js options for one connection attempt. TLS files are read at every attempt, so a
 * renewed client certificate is picked up at the next reconnect without a restart, and a missing
 * file is a clear reason ("cannot read tls.certFile ...") instead of a crash.
 */
export interface ConnectionSettings {
  url: string;
  clientId: string;
  protocolVersion: 5 | 4;
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  username?: string;
  password?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized: boolean };
}

/** Settings from the lane config's mqtt section (the password comes from the secrets file). */
export function connectionSettings(
  config: {
    url: string;
    clientId?: string;
    site: string;
    lane: string;
    protocolVersion: 5 | 4;
    keepaliveSeconds: number;
    username?: string;
    tls?: ConnectionSettings['tls'];
  },
  password: string | undefined,
  connectTimeoutMs: number,
): ConnectionSettings {
  return {
    url: config.url,
    clientId: config.clientId ?? `lane-${config.site}-${config.lane}`,
    protocolVersion: config.protocolVersion,
    keepaliveSeconds: config.keepaliveSeconds,
    connectTimeoutMs,
    username: config.username,
    password,
    tls: config.tls,
  };
}

export interface WillMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

export class ConnectionSetupError extends Error {
  override readonly name = 'ConnectionSetupError';
}

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConnectionSetupError(`cannot read mqtt.tls.${what} ${path} (${code})`);
  }
}

export function buildClientOptions(s: ConnectionSettings, will: WillMessage): IClientOptions {
  const opts: IClientOptions = {
    clientId: s.clientId,
    protocolVersion: s.protocolVersion,
    keepalive: s.keepaliveSeconds,
    connectTimeout: s.connectTimeoutMs,
    // The link owns reconnection (backoff 0.5 s -> 5 s, fresh will per attempt) and resubscription.
    reconnectPeriod: 0,
    resubscribe: false,
    // A clean session: the outbox, not the broker or mqtt.js memory, holds what was not acknowledged.
    clean: true,
    queueQoSZero: false,
    // A ping every keepalive even while publishing: re-arming the ping timer on every packet
    // cost several per cent of the drain's CPU (bench/outbox.ts) and buys nothing.
    reschedulePings: false,
    will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: will.retain },
  };
  if (s.protocolVersion === 5) opts.properties = { sessionExpiryInterval: 0 };
  if (s.username !== undefined) opts.username = s.username;
  if (s.password !== undefined) opts.password = s.password;
  if (s.tls !== undefined) {
    if (s.tls.caFile !== undefined) opts.ca = readTlsFile(s.tls.caFile, 'caFile');
    if (s.tls.certFile !== undefined) opts.cert = readTlsFile(s.tls.certFile, 'certFile');
    if (s.tls.keyFile !== undefined) opts.key = readTlsFile(s.tls.keyFile, 'keyFile');
    opts.rejectUnauthorized = s.tls.rejectUnauthorized;
  }
  return opts;
}

/** The URL without anything after the authority, for logs and status (never credentials). */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid url)';
  }
}
