import type { ClientSession, ClientSubscription, DataValue, OPCUAClient } from 'node-opcua';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import {
  BarrierCommandError,
  type Barrier,
  type BarrierAction,
  type BarrierEvents,
  type BarrierFaultCode,
  type BarrierPosition,
  type BarrierRole,
  type BarrierSnapshot,
} from './barrier.js';
import type { OpcuaBarrierConfig } from './opcua-barrier.config.js';
import { createOpcuaClient } from './opcua-client-factory.js';

const POSITIONS: readonly BarrierPosition[] = ['unknown', 'opened', 'closed', 'opening', 'closing', 'stopped'];
const METHOD_KEY = { open: 'open', close: 'close', stop: 'stop', 'hold-open': 'holdOpen', 'release-hold': 'releaseHold' } as const;

export interface OpcuaBarrierDeps {
  clock: Clock;
  log: Logger;
}

/**
 * A barrier behind a gate PLC over OPC UA. open() connects and creates the session; configure() (run
 * by the supervisor after every connect) creates the subscription with every monitored item and starts
 * the heartbeat, so a reconnect restores both. Commands are sent once: a command that fails or is cut
 * by a lost link rejects and is never replayed (the lane decides again). A failing call raises the
 * `command-failed` fault, which the lane interlocks turn into red + alarm.
 */
export class OpcuaBarrier extends TypedEmitter<DriverEvents<BarrierEvents>> implements Barrier {
  readonly kind = 'barrier' as const;
  readonly name: string;
  readonly role: BarrierRole;
  private readonly config: OpcuaBarrierConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private opcua: typeof import('node-opcua') | null = null;
  private client: OPCUAClient | null = null;
  private session: ClientSession | null = null;
  private subscription: ClientSubscription | null = null;
  private heartbeatTimer: TimerHandle | null = null;
  private heartbeatCounter = 0;
  private lastAlive = 0;
  private connected = false;
  private position: BarrierPosition = 'unknown';
  private holdOpen = false;
  private readonly presence: Record<string, boolean> = {};
  private readonly limits = { opened: false, closed: false };
  private readonly faults: Partial<Record<BarrierFaultCode, string>> = {};
  private readonly count = { commands: 0, commandFailures: 0, refused: 0, notifications: 0, heartbeats: 0, heartbeatFailures: 0 };

  constructor(config: OpcuaBarrierConfig, deps: OpcuaBarrierDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.role = config.role;
    this.clock = deps.clock;
    this.log = deps.log;
  }

  async open(): Promise<void> {
    try {
      const { client, opcua } = await createOpcuaClient(this.config);
      this.opcua = opcua;
      this.client = client;
      client.on('connection_lost', this.onConnectionLost);
      client.on('close', this.onClientClose);
      await client.connect(this.config.endpoint);
      this.session = await client.createSession();
      this.session.on('session_closed', this.onSessionClosed);
    } catch (err) {
      throw new DeviceOpenError(this.name, openErrorCode(err), `opc ua: ${(err as Error).message.split('\n')[0]}`, this.config.endpoint);
    }
    this.connected = true;
    this.lastAlive = this.clock.monotonic();
    // A command that failed on the previous session (cut by the lost link, or refused by a PLC that has
    // since restarted) belongs to that session: the lane asks again for what it still wants (its
    // interlocks re-ask a lost close on recovery). Kept, the fault would suspend the lane for good,
    // since nothing is sent to a faulted barrier that could clear it.
    this.setFault('command-failed', false, 'new session');
    this.emit('up');
  }

  /** Subscription, monitored items and heartbeat: re-created after every (re)connect. */
  async configure(): Promise<void> {
    const { opcua, session } = this.requireLink();
    const interval = this.config.publishingIntervalMs;
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: interval,
      requestedMaxKeepAliveCount: Math.max(3, Math.floor(this.config.livenessTimeoutMs / interval / 3)),
      requestedLifetimeCount: 1_000,
      maxNotificationsPerPublish: 100,
      publishingEnabled: true,
      priority: 10,
    });
    this.subscription = subscription;
    const alive = (): void => {
      this.lastAlive = this.clock.monotonic();
    };
    subscription.on('keepalive', alive);
    subscription.on('received_notifications', alive);
    subscription.on('terminated', () => this.lost('subscription terminated'));
    const { nodes } = this.config;
    // Each item's first notification carries the PLC's current value. configure() waits for them, so
    // the supervisor reports the link up only once position, loops and fault are fresh: what the lane
    // knew before the loss (a loop clear, a boom closed) must not be acted on as if it were still true.
    const firstValues: Array<Promise<void>> = [];
    const watch = async (nodeId: string, onValue: (value: unknown) => void): Promise<void> => {
      const item = await subscription.monitor(
        { nodeId, attributeId: opcua.AttributeIds.Value },
        { samplingInterval: interval, discardOldest: true, queueSize: 10 },
        opcua.TimestampsToReturn.Neither,
      );
      let first: () => void = () => undefined;
      firstValues.push(new Promise<void>((resolve) => (first = resolve)));
      item.on('changed', (dv: DataValue) => {
        this.count.notifications += 1;
        if (dv.statusCode.isGood()) onValue(dv.value.value);
        first();
      });
      item.on('err', (message: string) => {
        this.log.warn({ nodeId, message }, 'monitored item failed');
        first();
      });
    };
    await watch(nodes.position, (v) => this.setPosition(POSITIONS[Number(v)] ?? 'unknown'));
    if (nodes.fault) await watch(nodes.fault, (v) => this.setFault('plc-fault', Boolean(v), `PLC fault ${String(v)}`));
    // Limits cross-check the PLC's position word: both at once is a sensor fault the PLC may not flag.
    if (nodes.openedLimit) await watch(nodes.openedLimit, (v) => this.setLimit('opened', Boolean(v)));
    if (nodes.closedLimit) await watch(nodes.closedLimit, (v) => this.setLimit('closed', Boolean(v)));
    for (const { input, nodeId } of nodes.presence) await watch(nodeId, (v) => this.setPresence(input, Boolean(v)));
    const fresh = await bounded(Promise.all(firstValues), this.config.livenessTimeoutMs).then(
      () => true,
      () => false,
    );
    if (!fresh) this.log.warn({ endpoint: this.config.endpoint }, 'not every monitored item reported its first value in time');
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = this.clock.setInterval(() => void this.beat(), this.config.heartbeatMs);
    await this.beat();
  }

  isAlive(): boolean {
    return this.clock.monotonic() - this.lastAlive < this.config.livenessTimeoutMs;
  }

  async close(): Promise<void> {
    this.connected = false;
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = null;
    const client = this.client;
    const session = this.session;
    this.client = null;
    this.session = null;
    this.subscription = null;
    if (client) {
      client.off('connection_lost', this.onConnectionLost);
      client.off('close', this.onClientClose);
    }
    session?.off('session_closed', this.onSessionClosed);
    // Closing a session on a dead link can wait for a timeout: bound it, the link is being dropped anyway.
    if (session) await bounded(session.close(true), 1_000).catch(() => undefined);
    if (client) await bounded(client.disconnect(), 2_000).catch(() => undefined);
  }

  counters(): Record<string, number> {
    return { ...this.count };
  }

  snapshot(): BarrierSnapshot {
    return { position: this.position, presence: { ...this.presence }, faults: { ...this.faults }, holdOpen: this.holdOpen };
  }

  async command(action: BarrierAction): Promise<void> {
    this.count.commands += 1;
    if (!this.connected || !this.session || !this.opcua) throw this.refuse(action, 'NOT_CONNECTED', `no session with ${this.config.endpoint}`);
    if (action === 'close' || action === 'release-hold') {
      const active = Object.entries(this.presence).filter(([, on]) => on).map(([input]) => input);
      if (active.length > 0) throw this.refuse(action, 'PRESENCE', `presence reported by the PLC: ${active.join(', ')}`);
    }
    const { opcua, session } = this;
    const { commands } = this.config;
    let status: string;
    try {
      if (commands.style === 'method') {
        const methodId = commands[METHOD_KEY[action]];
        if (!methodId) throw this.refuse(action, 'NOT_SUPPORTED', `no method configured for ${action}`);
        const result = await session.call({ objectId: commands.objectId, methodId, inputArguments: [] });
        status = result.statusCode.name;
      } else {
        const code = commands.codes[METHOD_KEY[action]];
        if (code === undefined) throw this.refuse(action, 'NOT_SUPPORTED', `no command code configured for ${action}`);
        const result = await session.write({ nodeId: commands.nodeId, attributeId: opcua.AttributeIds.Value, value: { value: { dataType: opcua.DataType.Int32, value: code } } });
        status = result.name;
      }
    } catch (err) {
      if (err instanceof BarrierCommandError) throw err;
      status = (err as Error).message.split('\n')[0] ?? 'error';
    }
    if (status !== 'Good') {
      this.count.commandFailures += 1;
      this.setFault('command-failed', true, `${action}: ${status}`);
      throw this.refuse(action, 'COMMAND_FAILED', status);
    }
    this.setFault('command-failed', false, `${action}: Good`);
    if (action === 'hold-open' || action === 'release-hold') this.holdOpen = action === 'hold-open';
  }

  // ---- internals ----

  private async beat(): Promise<void> {
    const { opcua, session } = this;
    if (!this.connected || !opcua || !session) return;
    this.heartbeatCounter = (this.heartbeatCounter + 1) >>> 0;
    try {
      const status = await session.write({
        nodeId: this.config.nodes.heartbeat,
        attributeId: opcua.AttributeIds.Value,
        value: { value: { dataType: opcua.DataType.UInt32, value: this.heartbeatCounter } },
      });
      if (status.name !== 'Good') throw new Error(status.name);
      this.count.heartbeats += 1;
      this.setFault('heartbeat', false, 'heartbeat accepted');
    } catch (err) {
      this.count.heartbeatFailures += 1;
      if (this.connected) this.setFault('heartbeat', true, `heartbeat write failed: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  private requireLink(): { opcua: typeof import('node-opcua'); session: ClientSession } {
    if (!this.opcua || !this.session) throw new DeviceOpenError(this.name, 'ENOTCONN', 'no session', this.config.endpoint);
    return { opcua: this.opcua, session: this.session };
  }

  private refuse(action: BarrierAction, code: BarrierCommandError['code'], detail: string): BarrierCommandError {
    this.count.refused += 1;
    return new BarrierCommandError(this.name, action, code, detail);
  }

  private setPosition(position: BarrierPosition): void {
    if (position === this.position) return;
    this.position = position;
    this.emit('position', { position, at: this.clock.now() });
  }

  private setLimit(limit: 'opened' | 'closed', active: boolean): void {
    this.limits[limit] = active;
    const both = this.limits.opened && this.limits.closed;
    this.setFault('limit-conflict', both, both ? "PLC reports 'opened' and 'closed' limits both active" : 'limits consistent');
  }

  private setPresence(input: string, active: boolean): void {
    if (this.presence[input] === active) return;
    this.presence[input] = active;
    this.emit('presence', { input, active, at: this.clock.now() });
  }

  private setFault(code: BarrierFaultCode, active: boolean, detail: string): void {
    if (active === (this.faults[code] !== undefined)) return;
    if (active) this.faults[code] = detail;
    else delete this.faults[code];
    this.emit('fault', { code, active, detail, at: this.clock.now() });
  }

  private readonly onConnectionLost = (): void => this.lost('connection lost');
  private readonly onClientClose = (): void => this.lost('connection closed');
  private readonly onSessionClosed = (): void => this.lost('session closed');

  private lost(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = null;
    this.emit('down', reason);
  }
}

function openErrorCode(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return code;
  if (/ECONNREFUSED/.test(text)) return 'ECONNREFUSED';
  if (/certificate/i.test(text)) return 'ECERT';
  if (/timeout/i.test(text)) return 'ETIMEDOUT';
  return 'EOPCUA';
}

/** Process plumbing, not lane time: real timers even under a fake lane clock. */
function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
