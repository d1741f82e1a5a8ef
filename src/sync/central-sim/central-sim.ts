import type { KeyObject } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { TypedEmitter } from '../../util/typed-events.js';
import type { CmdResult, ResyncRequest, StateMessage } from '../wire/up-messages.js';
import { CommandSigner, type SignOptions } from './command-signer.js';
import { EventLedger, type LedgerVerdict } from './event-ledger.js';
import { ListSigner, type DeltaBody } from './list-signer.js';

/** Lists the simulator serves: current version and rows per list (answers resync requests). */
export interface SimLists {
  [list: string]: { version: number; rows: unknown[] };
}

export interface CentralSimOptions {
  url: string;
  site: string;
  prefix?: string;
  /** Central private key; without it the simulator can only listen. */
  key?: KeyObject;
  lists?: SimLists;
  chunkRows?: number;
  mqtt?: IClientOptions;
  /** A persistent session (clean false, 1 h expiry): nothing is lost while the central is away. */
  persistentSession?: boolean;
}

export interface ReceivedEvent {
  lane: string;
  topic: string;
  id: string;
  seq: number;
  type: string;
  verdict: LedgerVerdict;
}

export type CentralSimEvents = {
  /** Every message on an upward topic, raw (tests validate them against the JSON Schemas). */
  raw: [topic: string, payload: Buffer];
  event: [ReceivedEvent];
  state: [lane: string, state: StateMessage];
  result: [CmdResult];
  resync: [ResyncRequest];
  /** A lane's periodic telemetry (QoS 0; schema telemetry). */
  telemetry: [lane: string, message: Record<string, unknown>];
  malformed: [topic: string, reason: string];
};

/**
 * A small central system for integrators, technicians and tests: prints (via events) what lanes
 * publish, de-duplicates events by id and checks sequence numbers (EventLedger), sends signed
 * commands and waits for their results, publishes signed list deltas and snapshots, and answers
 * resync requests with a snapshot of its lists. scripts/central-sim.ts is its command line.
 */
export class CentralSim extends TypedEmitter<CentralSimEvents> {
  readonly ledger = new EventLedger();
  /** Latest state per lane, ignoring an offline with a lower birth than an online already seen. */
  readonly states = new Map<string, StateMessage>();
  readonly results = new Map<string, CmdResult>();
  readonly resyncRequests: ResyncRequest[] = [];
  /** Results published without an id (the command could not even be read). */
  readonly unattributedResults: CmdResult[] = [];
  private client: MqttClient | null = null;
  private readonly prefix: string;
  private readonly commands: CommandSigner | null;
  private readonly listSigner: ListSigner | null;
  private snapshotCounter = 0;

  constructor(private readonly opts: CentralSimOptions) {
    super();
    this.prefix = opts.prefix ?? 'bg/v1';
    this.commands = opts.key ? new CommandSigner(opts.key, opts.site) : null;
    this.listSigner = opts.key ? new ListSigner(opts.key, opts.site) : null;
  }

  async start(): Promise<void> {
    const persistent = this.opts.persistentSession ?? false;
    const client = await mqtt.connectAsync(this.opts.url, {
      clientId: `central-sim-${this.opts.site}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 300,
      connectTimeout: 5_000,
      ...(persistent ? { clean: false, properties: { sessionExpiryInterval: 3600 } } : {}),
      ...this.opts.mqtt,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('error', () => undefined); // reconnects on its own; errors are visible as missing messages
    await client.subscribeAsync(`${this.prefix}/${this.opts.site}/#`, { qos: 1 });
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client !== null) await client.endAsync(true);
  }

  /** Publishes a signed command and resolves with its cmd-result (rejects after timeoutMs). */
  async command(lane: string, name: string, args: Record<string, unknown>, opts: SignOptions & { timeoutMs?: number } = {}): Promise<CmdResult> {
    if (this.commands === null) throw new Error('central-sim has no private key: cannot sign commands');
    const signed = this.commands.sign(lane, name, args, opts);
    return this.publishCommandPayload(lane, name, JSON.stringify(signed.payload), signed.payload.id, opts.timeoutMs);
  }

  /** Publishes any payload on cmd/{name} and waits for the result published for `expectId`. */
  async publishCommandPayload(lane: string, name: string, payload: string | Buffer, expectId: string, timeoutMs = 5_000): Promise<CmdResult> {
    const waiting = this.waitFor(() => this.results.get(expectId), timeoutMs, `cmd-result/${expectId}`);
    await this.publish(`${this.prefix}/${this.opts.site}/${lane}/cmd/${name}`, payload);
    return waiting;
  }

  async publishDelta(body: DeltaBody): Promise<void> {
    if (this.listSigner === null) throw new Error('central-sim has no private key: cannot sign lists');
    await this.publish(`${this.prefix}/${this.opts.site}/lists/${body.list}`, JSON.stringify(this.listSigner.delta(body)));
  }

  /** Publishes a full snapshot of one list, to every lane of the site or to one lane. */
  async publishSnapshot(list: string, version: number, rows: readonly unknown[], lane?: string): Promise<number> {
    if (this.listSigner === null) throw new Error('central-sim has no private key: cannot sign lists');
    this.snapshotCounter += 1;
    const id = `sim-${Date.now().toString(36)}-${this.snapshotCounter}`;
    const chunks = this.listSigner.snapshot(list, version, rows, id, this.opts.chunkRows);
    const topic = lane === undefined ? `${this.prefix}/${this.opts.site}/lists/${list}/snapshot` : `${this.prefix}/${this.opts.site}/${lane}/lists/${list}/snapshot`;
    for (const chunk of chunks) await this.publish(topic, JSON.stringify(chunk));
    return chunks.length;
  }

  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    if (this.client === null) throw new Error('central-sim not started');
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  /** Polls `probe` every 20 ms until it returns a value. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        const v = probe();
        if (v !== undefined && v !== null && v !== false) return resolve(v);
        if (Date.now() - started > timeoutMs) return reject(new Error(`central-sim: timed out after ${timeoutMs} ms waiting for ${what}`));
        setTimeout(check, 20).unref();
      };
      check();
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    const base = `${this.prefix}/${this.opts.site}/`;
    if (!topic.startsWith(base)) return;
    const levels = topic.slice(base.length).split('/');
    const lane = levels[0]!;
    const kind = levels[1];
    if (lane === 'lists' || kind === 'cmd' || (kind === 'lists' && levels[3] === 'snapshot')) return; // ours (down)
    this.emit('raw', topic, payload);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      this.emit('malformed', topic, 'not JSON');
      return;
    }
    if (kind === 'state') this.onState(lane, json as unknown as StateMessage);
    else if (kind === 'event') this.onEvent(lane, topic, json);
    else if (kind === 'cmd-result') {
      const result = json as unknown as CmdResult;
      if (typeof result.id === 'string') this.results.set(result.id, result);
      else this.unattributedResults.push(result);
      this.emit('result', result);
    } else if (kind === 'lists' && levels[2] === 'resync') void this.onResync(lane, json as unknown as ResyncRequest);
    else if (kind === 'telemetry') this.emit('telemetry', lane, json);
  }

  private onState(lane: string, state: StateMessage): void {
    const previous = this.states.get(lane);
    // A late will (offline) of an older connection must not override a newer online.
    if (previous !== undefined && typeof state.birth === 'number' && state.birth < previous.birth) return;
    this.states.set(lane, state);
    this.emit('state', lane, state);
  }

  private onEvent(lane: string, topic: string, json: Record<string, unknown>): void {
    const { id, seq, type } = json;
    if (typeof id !== 'string' || typeof seq !== 'number') {
      this.emit('malformed', topic, 'event without id or seq');
      return;
    }
    const verdict = this.ledger.record(lane, id, seq);
    this.emit('event', { lane, topic, id, seq, type: String(type), verdict });
  }

  private async onResync(lane: string, request: ResyncRequest): Promise<void> {
    this.resyncRequests.push(request);
    this.emit('resync', request);
    const list = this.opts.lists?.[request.list];
    if (list === undefined || this.listSigner === null) return;
    try {
      await this.publishSnapshot(request.list, list.version, list.rows, lane);
    } catch {
      // offline: the lane asks again when its request goes unanswered
    }
  }
}
