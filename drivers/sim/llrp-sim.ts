import { createServer, type Server, type Socket } from 'node:net';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import { LlrpDecodeError, LlrpMessageReader, encodeMessage, u16, type LlrpMessage } from '../rfid/llrp/llrp-binary.js';
import { CONNECTION_ATTEMPT, MEMORY_BANK_TID, MESSAGE_NAMES, MSG, PARAM, RESPONSE_OF, START_TRIGGER, STATUS_SUCCESS } from '../rfid/llrp/llrp-messages.js';
import {
  connectionAttemptBody,
  connectionCloseBody,
  decodeAddAccessSpec,
  decodeAddRospec,
  decodeId,
  decodeSetReaderConfig,
  gpiEventBody,
  statusBody,
  tagReportData,
  type SimAccessSpec,
  type SimRospec,
} from './llrp-sim-codec.js';
import { SeededNoise, hexSchema, parseWith, sleep } from './sim-kit.js';

/**
 * An LLRP 1.0.1 reader on loopback TCP: accepts one client (a second gets "client connection exists"),
 * announces the connection, keeps ROSpecs and AccessSpecs as configured, sends keepalives and, while a
 * ROSpec is active, RO_ACCESS_REPORTs for the tags "in the field". Scriptable faults: drop the
 * connection, refuse connections for a while, stall (no keepalives, reports or answers), garbage bytes,
 * malformed or partial messages, GPI edges.
 */
const tagSchema = z.strictObject({
  epc: z.string().regex(/^(?:[0-9A-Fa-f]{4}){1,31}$/, 'must be hex, whole 16-bit words, at most 31 words'),
  tid: z.string().regex(/^(?:[0-9A-Fa-f]{4}){1,32}$/, 'must be hex, whole 16-bit words').optional(),
  rssi: z.number().int().min(-128).max(0).default(-50),
  antenna: z.number().int().min(1).max(64).default(1),
});

export const llrpSimOptionsSchema = z.strictObject({
  tags: z.array(tagSchema).default([]),
  /** How often an active ROSpec reports the tags in the field. */
  reportIntervalMs: z.number().int().min(5).max(60_000).default(100),
  seed: z.number().int().optional(),
});

export type LlrpSimOptions = z.infer<typeof llrpSimOptionsSchema>;
type SimTag = z.infer<typeof tagSchema>;

export const llrpSimStepSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('tags'), tags: z.array(tagSchema) }),
  z.strictObject({ op: z.literal('gpi'), port: z.number().int().min(1).max(16), state: z.boolean() }),
  /** The network drops the connection (no goodbye). */
  z.strictObject({ op: z.literal('drop') }),
  /** The reader is unreachable for `ms`: existing connection dropped, new ones refused. */
  z.strictObject({ op: z.literal('refuse'), ms: z.number().int().min(0).max(600_000) }),
  /** The reader goes off the network (connection dropped, nothing listening) until `online`. */
  z.strictObject({ op: z.literal('offline') }),
  z.strictObject({ op: z.literal('online') }),
  /** The reader hangs for `ms`: no keepalives, reports or answers, the socket stays open. */
  z.strictObject({ op: z.literal('stall'), ms: z.number().int().min(0).max(600_000) }),
  z.strictObject({ op: z.literal('garbage'), length: z.number().int().min(1).max(65_536) }),
  /** An RO_ACCESS_REPORT whose parameter lengths do not add up. */
  z.strictObject({ op: z.literal('malformed') }),
  /** The first half of a report, then nothing more on this connection. */
  z.strictObject({ op: z.literal('partial') }),
  z.strictObject({ op: z.literal('raw'), hex: hexSchema }),
]);

export type LlrpSimStep = z.infer<typeof llrpSimStepSchema>;

interface RospecState {
  spec: SimRospec;
  state: 'disabled' | 'inactive' | 'active';
}

export interface LlrpSimDeps {
  clock: Clock;
  report?: (event: Record<string, unknown>) => void;
}

export class LlrpSim {
  private readonly opts: LlrpSimOptions;
  private readonly clock: Clock;
  private readonly reportEvent: (event: Record<string, unknown>) => void;
  private readonly noise: SeededNoise;
  private server: Server | null = null;
  private port = 0;
  private host = '127.0.0.1';
  private client: Socket | null = null;
  private readonly stream = new LlrpMessageReader();
  private tags: SimTag[];
  private readonly firstSeen = new Map<string, bigint>();
  private readonly rospecs = new Map<number, RospecState>();
  private readonly accessSpecs = new Map<number, { spec: SimAccessSpec; enabled: boolean }>();
  private readonly gpi = new Map<number, boolean>();
  private keepaliveTimer: TimerHandle | null = null;
  private reportTimer: TimerHandle | null = null;
  private stalledUntil = 0;
  private messageId = 1000;
  /** Counters for tests: messages by name, keepalive acks, connections. */
  readonly seen = { connections: 0, rejected: 0, keepaliveAcks: 0, reportsSent: 0 };

  constructor(opts: LlrpSimOptions, deps: LlrpSimDeps) {
    this.opts = opts;
    this.clock = deps.clock;
    this.reportEvent = deps.report ?? (() => undefined);
    this.noise = new SeededNoise(opts.seed);
    this.tags = [...opts.tags];
  }

  parseStep(value: unknown): { ok: true; step: LlrpSimStep } | { ok: false; error: string } {
    return parseWith(llrpSimStepSchema, value);
  }

  /** Starts listening; resolves with the port (pass 0 for a free one). */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    this.host = host;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    this.reportTimer = this.clock.setInterval(() => this.sendReports(), this.opts.reportIntervalMs);
    return this.port;
  }

  async close(): Promise<void> {
    this.reportTimer?.cancel();
    this.reportTimer = null;
    this.dropClient();
    await this.closeServer();
  }

  async run(step: LlrpSimStep): Promise<void> {
    switch (step.op) {
      case 'tags':
        this.tags = [...step.tags];
        for (const epc of [...this.firstSeen.keys()]) if (!this.tags.some((t) => t.epc.toUpperCase() === epc)) this.firstSeen.delete(epc);
        return;
      case 'gpi':
        return this.setGpi(step.port, step.state);
      case 'drop':
        this.dropClient();
        return;
      case 'refuse':
        this.dropClient();
        await this.closeServer();
        await sleep(this.clock, step.ms);
        await this.reopen();
        return;
      case 'offline':
        this.dropClient();
        await this.closeServer();
        return;
      case 'online':
        if (!this.server) await this.reopen();
        return;
      case 'stall':
        this.stalledUntil = this.clock.monotonic() + step.ms;
        return sleep(this.clock, step.ms);
      case 'garbage':
        this.client?.write(this.noise.bytes(step.length));
        return;
      case 'malformed': {
        // A TagReportData claiming 200 bytes inside a 20-byte message.
        const body = Buffer.concat([u16(PARAM.TAG_REPORT_DATA), u16(200), Buffer.alloc(12)]);
        this.send(MSG.RO_ACCESS_REPORT, body);
        return;
      }
      case 'partial': {
        const tag = this.tags[0] ?? { epc: '300833B2DDD9014000000001', rssi: -50, antenna: 1 };
        const message = encodeMessage(MSG.RO_ACCESS_REPORT, this.nextId(), tagReportData(this.tagReport(tag)));
        this.client?.write(message.subarray(0, Math.floor(message.length / 2)));
        this.stalledUntil = Number.POSITIVE_INFINITY; // nothing more on this connection
        return;
      }
      case 'raw':
        this.client?.write(Buffer.from(step.hex, 'hex'));
        return;
    }
  }

  get listeningPort(): number {
    return this.port;
  }

  private async reopen(): Promise<void> {
    // Same port, so the driver's configuration stays right; retried briefly in case the OS holds it.
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.reportTimer?.cancel();
        await this.listen(this.port, this.host);
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(this.clock, 50);
      }
    }
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined); // a client vanishing is normal here
    socket.setNoDelay(true);
    const now = this.nowUs();
    if (this.client) {
      this.seen.rejected += 1;
      socket.end(encodeMessage(MSG.READER_EVENT_NOTIFICATION, this.nextId(), connectionAttemptBody(CONNECTION_ATTEMPT.CLIENT_INITIATED_EXISTS, now)));
      return;
    }
    this.client = socket;
    this.seen.connections += 1;
    this.stalledUntil = 0;
    this.stream.reset();
    this.reportEvent({ event: 'connected' });
    socket.on('data', (chunk: Buffer) => {
      if (this.client !== socket) return;
      const { messages, error } = this.stream.push(chunk);
      for (const message of messages) this.onMessage(message);
      if (error) this.dropClient();
    });
    socket.on('close', () => {
      if (this.client !== socket) return;
      this.client = null;
      this.stopKeepalive();
      this.reportEvent({ event: 'disconnected' });
    });
    this.send(MSG.READER_EVENT_NOTIFICATION, connectionAttemptBody(CONNECTION_ATTEMPT.SUCCESS, now));
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    this.stopKeepalive();
    client?.destroy();
  }

  private onMessage(message: LlrpMessage): void {
    if (message.type === MSG.KEEPALIVE_ACK) {
      this.seen.keepaliveAcks += 1;
      return;
    }
    this.reportEvent({ event: 'command', name: MESSAGE_NAMES.get(message.type) ?? String(message.type) });
    if (this.clock.monotonic() < this.stalledUntil) return; // hung: no answers
    try {
      this.answer(message);
    } catch (err) {
      if (!(err instanceof LlrpDecodeError)) throw err;
      const response = RESPONSE_OF.get(message.type) ?? MSG.ERROR_MESSAGE;
      this.send(response, statusBody(100, err.message), message.id);
    }
  }

  private answer(message: LlrpMessage): void {
    const respond = (code = STATUS_SUCCESS, description = ''): void => {
      this.send(RESPONSE_OF.get(message.type) ?? MSG.ERROR_MESSAGE, statusBody(code, description), message.id);
    };
    switch (message.type) {
      case MSG.SET_READER_CONFIG: {
        const config = decodeSetReaderConfig(message.body);
        if (config.reset) {
          this.rospecs.clear();
          this.accessSpecs.clear();
        }
        this.startKeepalive(config.keepaliveMs);
        return respond();
      }
      case MSG.ADD_ROSPEC: {
        const spec = decodeAddRospec(message.body);
        if (this.rospecs.has(spec.id)) return respond(101, `ROSpec ${spec.id} exists`);
        this.rospecs.set(spec.id, { spec, state: 'disabled' });
        return respond();
      }
      case MSG.ENABLE_ROSPEC:
      case MSG.START_ROSPEC:
      case MSG.STOP_ROSPEC:
      case MSG.DISABLE_ROSPEC:
      case MSG.DELETE_ROSPEC:
        return this.rospecCommand(message.type, decodeId(message.body), respond);
      case MSG.ADD_ACCESSSPEC: {
        const spec = decodeAddAccessSpec(message.body);
        this.accessSpecs.set(spec.id, { spec, enabled: false });
        return respond();
      }
      case MSG.ENABLE_ACCESSSPEC: {
        const entry = this.accessSpecs.get(decodeId(message.body));
        if (!entry) return respond(101, 'no such AccessSpec');
        entry.enabled = true;
        return respond();
      }
      case MSG.DELETE_ACCESSSPEC: {
        const id = decodeId(message.body);
        if (id === 0) this.accessSpecs.clear();
        else this.accessSpecs.delete(id);
        return respond();
      }
      case MSG.CLOSE_CONNECTION: {
        respond();
        const client = this.client;
        client?.write(encodeMessage(MSG.READER_EVENT_NOTIFICATION, this.nextId(), connectionCloseBody(this.nowUs())));
        client?.end();
        return;
      }
      default:
        this.send(MSG.ERROR_MESSAGE, statusBody(109, `unsupported message ${message.type}`), message.id);
    }
  }

  private rospecCommand(type: number, id: number, respond: (code?: number, description?: string) => void): void {
    const targets = id === 0 ? [...this.rospecs.values()] : [this.rospecs.get(id)].filter((r): r is RospecState => r !== undefined);
    if (targets.length === 0 && type !== MSG.DELETE_ROSPEC) return respond(101, `no ROSpec ${id}`);
    for (const entry of targets) {
      if (type === MSG.ENABLE_ROSPEC) {
        const gpiHigh = entry.spec.gpiPort !== null && this.gpi.get(entry.spec.gpiPort) === true;
        const starts = entry.spec.startTrigger === START_TRIGGER.IMMEDIATE || (entry.spec.startTrigger === START_TRIGGER.GPI && gpiHigh);
        entry.state = starts ? 'active' : 'inactive';
      } else if (type === MSG.START_ROSPEC) {
        if (entry.state === 'disabled') return respond(101, `ROSpec ${entry.spec.id} is disabled`);
        entry.state = 'active';
      } else if (type === MSG.STOP_ROSPEC) {
        if (entry.state === 'active') entry.state = 'inactive';
      } else if (type === MSG.DISABLE_ROSPEC) entry.state = 'disabled';
      else this.rospecs.delete(entry.spec.id);
    }
    respond();
  }

  private setGpi(port: number, state: boolean): void {
    this.gpi.set(port, state);
    this.send(MSG.READER_EVENT_NOTIFICATION, gpiEventBody(port, state, this.nowUs()));
    for (const entry of this.rospecs.values()) {
      if (entry.spec.gpiPort !== port || entry.state === 'disabled') continue;
      if (state && entry.spec.startTrigger === START_TRIGGER.GPI) entry.state = 'active';
      else if (!state && entry.state === 'active') entry.state = 'inactive';
    }
  }

  private startKeepalive(ms: number | null): void {
    this.stopKeepalive();
    if (ms === null) return;
    this.keepaliveTimer = this.clock.setInterval(() => {
      if (this.clock.monotonic() >= this.stalledUntil) this.send(MSG.KEEPALIVE, Buffer.alloc(0));
    }, ms);
  }

  private stopKeepalive(): void {
    this.keepaliveTimer?.cancel();
    this.keepaliveTimer = null;
  }

  private sendReports(): void {
    if (!this.client || this.clock.monotonic() < this.stalledUntil) return;
    for (const entry of this.rospecs.values()) {
      if (entry.state !== 'active') continue;
      for (const tag of this.tags) {
        if (entry.spec.antennas.length > 0 && !entry.spec.antennas.includes(tag.antenna)) continue;
        this.send(MSG.RO_ACCESS_REPORT, tagReportData(this.tagReport(tag)));
        this.seen.reportsSent += 1;
      }
    }
  }

  private tagReport(tag: SimTag): Parameters<typeof tagReportData>[0] {
    const epc = tag.epc.toUpperCase();
    let first = this.firstSeen.get(epc);
    if (first === undefined) {
      first = this.nowUs();
      this.firstSeen.set(epc, first);
    }
    const access = [...this.accessSpecs.values()].find((a) => a.enabled && a.spec.memoryBank === MEMORY_BANK_TID);
    const tid = tag.tid ? Buffer.from(tag.tid, 'hex') : null;
    return {
      epc: Buffer.from(epc, 'hex'),
      antenna: tag.antenna,
      rssi: tag.rssi,
      firstSeenUs: first,
      ...(access && tid
        ? { read: { accessSpecId: access.spec.id, opSpecId: access.spec.opSpecId, data: tid.subarray(0, access.spec.wordCount * 2) } }
        : {}),
    };
  }

  private send(type: number, body: Buffer, id = this.nextId()): void {
    this.client?.write(encodeMessage(type, id, body));
  }

  private nextId(): number {
    this.messageId += 1;
    return this.messageId;
  }

  private nowUs(): bigint {
    return BigInt(Math.round(this.clock.now())) * 1000n;
  }
}
