import mqtt, { type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { Backoff } from '../../util/backoff.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { TypedEmitter } from '../../util/typed-events.js';
import { buildClientOptions, redactedUrl, type ConnectionSettings, type WillMessage } from './client-options.js';

export type ConnectionState = 'stopped' | 'connecting' | 'connected' | 'waiting';

export type ConnectionEvents = {
  /** CONNACK received on a fresh client: subscribe, announce, drain. */
  up: [client: MqttClient, connack: IConnackPacket];
  /** The connection is gone (or an attempt failed); a reconnect is scheduled. */
  down: [reason: string];
  message: [topic: string, payload: Buffer, packet: IPublishPacket];
};

export interface ConnectionStatus {
  state: ConnectionState;
  since: number;
  url: string;
  clientId: string;
  protocolVersion: 5 | 4;
  attempts: number;
  /** Successful connections after the first. */
  reconnects: number;
  lastError: string | null;
  nextAttemptAt: number | null;
  /** From CONNACK (MQTT 5); 65535 when the broker does not say. */
  receiveMaximum: number;
}

export interface MqttConnectionOptions {
  settings: ConnectionSettings;
  /** Called before every attempt: the will carries that attempt's birth number. */
  will(): WillMessage;
  clock: Clock;
  log: Logger;
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * One MQTT client object per connection: when a connection ends, its client is ended with force
 * (every pending publish callback fails with "Connection closed", so the outbox knows those rows
 * are not delivered) and a new client is made for the next attempt. Nothing from an old connection
 * leaks into the next (no stale subscriptions bookkeeping, no half-resent queue, no old will), and
 * the link re-subscribes and re-announces on every `up`.
 */
export class MqttConnection extends TypedEmitter<ConnectionEvents> {
  private client: MqttClient | null = null;
  private connectedClient: MqttClient | null = null;
  private timer: TimerHandle | null = null;
  private readonly backoff: Backoff;
  private state: ConnectionState = 'stopped';
  private since: number;
  private attempts = 0;
  private connections = 0;
  private lastError: string | null = null;
  private nextAttemptAt: number | null = null;
  private receiveMaximum = 65_535;

  constructor(private readonly opts: MqttConnectionOptions) {
    super();
    this.since = opts.clock.now();
    this.backoff = new Backoff({ initialMs: opts.backoff?.initialMs ?? 500, maxMs: opts.backoff?.maxMs ?? 5_000 });
  }

  /** The client while connected (CONNACK received and not closed since), else null. */
  get connected(): MqttClient | null {
    return this.connectedClient;
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.attempt();
  }

  status(): ConnectionStatus {
    const s = this.opts.settings;
    return {
      state: this.state,
      since: this.since,
      url: redactedUrl(s.url),
      clientId: s.clientId,
      protocolVersion: s.protocolVersion,
      attempts: this.attempts,
      reconnects: Math.max(0, this.connections - 1),
      lastError: this.lastError,
      nextAttemptAt: this.nextAttemptAt,
      receiveMaximum: this.receiveMaximum,
    };
  }

  /** Ends the current connection as failed (e.g. a subscription was refused) and schedules a retry. */
  drop(reason: string): void {
    const client = this.client;
    if (client === null) return;
    this.lastError = reason;
    this.teardown(client, reason);
  }

  /**
   * Stops for good. `beforeDisconnect` runs while still connected (the link publishes its
   * "offline, shutdown" state there); then pending publishes are dropped (they stay in the
   * outbox) and a DISCONNECT is sent, which makes the broker discard the will.
   */
  async stop(beforeDisconnect?: (client: MqttClient) => Promise<void>): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    this.nextAttemptAt = null;
    const client = this.client;
    const wasConnected = this.connectedClient !== null;
    this.setState('stopped');
    if (client === null) return;
    if (wasConnected && beforeDisconnect) {
      try {
        await beforeDisconnect(client);
      } catch (err) {
        this.opts.log.warn({ err }, 'before-disconnect step failed');
      }
    }
    // Our listeners stay attached (mqtt.js's own must not be removed) but ignore a client that is
    // no longer current, as every handler below checks.
    this.client = null;
    this.connectedClient = null;
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    await new Promise<void>((resolve) => {
      const fallback = this.opts.clock.setTimeout(() => client.end(true, () => resolve()), 2_000);
      client.end(!wasConnected, () => {
        fallback.cancel();
        resolve();
      });
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.since = this.opts.clock.now();
  }

  private attempt(): void {
    this.timer = null;
    this.nextAttemptAt = null;
    this.attempts += 1;
    this.setState('connecting');
    let options;
    try {
      options = buildClientOptions(this.opts.settings, this.opts.will());
    } catch (err) {
      this.lastError = (err as Error).message;
      this.opts.log.error({ reason: this.lastError }, 'mqtt connection not attempted');
      this.schedule();
      return;
    }
    let client: MqttClient;
    try {
      client = mqtt.connect(this.opts.settings.url, options);
    } catch (err) {
      // mqtt.js builds the TLS context synchronously: material buildClientOptions could not vet must
      // still be a retried connection error, never an exception out of a timer.
      this.lastError = (err as Error).message;
      this.opts.log.error({ reason: this.lastError }, 'mqtt connection not attempted');
      this.schedule();
      return;
    }
    this.client = client;
    client.on('connect', (connack) => {
      if (this.client !== client) return;
      this.connections += 1;
      this.connectedClient = client;
      this.receiveMaximum = connack.properties?.receiveMaximum ?? 65_535;
      this.backoff.reset();
      this.setState('connected');
      this.opts.log.info(
        { url: redactedUrl(this.opts.settings.url), protocolVersion: this.opts.settings.protocolVersion, reconnects: Math.max(0, this.connections - 1) },
        'mqtt connected',
      );
      this.emit('up', client, connack);
    });
    client.on('message', (topic, payload, packet) => {
      if (this.connectedClient === client) this.emit('message', topic, payload, packet);
    });
    client.on('error', (err) => {
      if (this.client === client) this.lastError = err.message;
    });
    client.on('disconnect', (packet) => {
      if (this.client === client) this.lastError = `broker sent DISCONNECT (reason ${packet.reasonCode ?? 0})`;
    });
    client.on('close', () => {
      if (this.client === client) this.teardown(client, this.lastError ?? 'connection closed');
    });
  }

  private teardown(client: MqttClient, reason: string): void {
    if (this.client !== client) return;
    const wasConnected = this.connectedClient === client;
    this.client = null;
    this.connectedClient = null;
    // Forced end: pending publish callbacks fail now ("Connection closed"), timers are cleared.
    client.end(true);
    if (wasConnected) this.opts.log.warn({ reason }, 'mqtt connection lost');
    else this.opts.log.warn({ reason, attempt: this.attempts }, 'mqtt connection attempt failed');
    this.emit('down', reason);
    this.schedule();
  }

  private schedule(): void {
    if (this.state === 'stopped') return;
    const delay = this.backoff.next();
    this.setState('waiting');
    this.nextAttemptAt = this.opts.clock.now() + delay;
    this.timer = this.opts.clock.setTimeout(() => this.attempt(), delay);
  }
}
