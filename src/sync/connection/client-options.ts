import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { IClientOptions } from 'mqtt';
import { readPrivateFile } from '../../settings/private-file.js';

/**
 * Builds mqtt.js options for one connection attempt. TLS files are read at every attempt, so a
 * renewed client certificate is picked up at the next reconnect without a restart, and a missing
 * file is a clear reason ("cannot read tls.certFile ...") instead of a crash. The private key is
 * refused, like the secrets file, when other users can access it; the CA and the certificate are
 * public and not checked.
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

/** The client's private key: same permission rule as the secrets file (settings/private-file.ts). */
function readTlsKeyFile(path: string): Buffer {
  const r = readPrivateFile(path, 'mqtt.tls.keyFile');
  if (!r.ok) throw new ConnectionSetupError(r.reason);
  return r.bytes;
}

/**
 * mqtt.js passes these bytes to tls.connect inside mqtt.connect, where material that does not load
 * (not PEM, key and certificate not a pair) throws synchronously: out of a reconnect timer, that is
 * a crash. Loading it here first turns it into a reason the link reports while it keeps retrying.
 * Messages name the files, never their content.
 */
function checkTlsMaterial(tls: NonNullable<ConnectionSettings['tls']>, ca?: Buffer, cert?: Buffer, key?: Buffer): void {
  const short = (err: unknown) => ((err as Error).message ?? String(err)).slice(0, 160);
  if (key !== undefined) {
    try {
      createPrivateKey(key);
    } catch (err) {
      throw new ConnectionSetupError(`mqtt.tls.keyFile ${tls.keyFile} is not a PEM private key without a passphrase (${short(err)})`);
    }
  }
  if (cert !== undefined) {
    try {
      new X509Certificate(cert);
    } catch (err) {
      throw new ConnectionSetupError(`mqtt.tls.certFile ${tls.certFile} is not a PEM certificate (${short(err)})`);
    }
  }
  try {
    createSecureContext({ ca, cert, key });
  } catch (err) {
    const files = [tls.caFile, tls.certFile, tls.keyFile].filter((f) => f !== undefined).join(', ');
    throw new ConnectionSetupError(`mqtt.tls files do not load together (${files}): ${short(err)}`);
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
    const ca = s.tls.caFile === undefined ? undefined : readTlsFile(s.tls.caFile, 'caFile');
    const cert = s.tls.certFile === undefined ? undefined : readTlsFile(s.tls.certFile, 'certFile');
    const key = s.tls.keyFile === undefined ? undefined : readTlsKeyFile(s.tls.keyFile);
    checkTlsMaterial(s.tls, ca, cert, key);
    if (ca !== undefined) opts.ca = ca;
    if (cert !== undefined) opts.cert = cert;
    if (key !== undefined) opts.key = key;
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
