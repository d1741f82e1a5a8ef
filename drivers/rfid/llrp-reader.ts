import { createConnection, type Socket } from 'node:net';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import { LlrpDecodeError, LlrpMessageReader, encodeMessage, type LlrpMessage } from './llrp/llrp-binary.js';
import {
  CONNECTION_ATTEMPT,
  MESSAGE_NAMES,
  MSG,
  RESPONSE_OF,
  STATUS_SUCCESS,
  addRospecBody,
  addTidAccessSpecBody,
  idBody,
  parseReaderEvent,
  parseRoAccessReport,
  parseStatus,
  setReaderConfigBody,
  type RospecTrigger,
} from './llrp/llrp-messages.js';
import type { LlrpReaderConfig } from './llrp-reader.config.js';
import { toHex, type RfidReaderDriver, type RfidReaderEvents } from './rfid-reader.js';
import { TagFilter } from './tag-filter.js';

export interface LlrpReaderDeps {
  clock: Clock;
  log: Logger;
  /** Share one filter between the readers of a lane; by default each reader has its own. */
  tagFilter?: TagFilter;
  /** Builds the TCP connection (the bench hooks the socket to time arrivals); net.createConnection by default. */
  connect?: (opts: { host: string; port: number }) => Socket;
}

interface Pending {
  response: number;
  label: string;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: TimerHandle;
}

const ROSPEC_ID = 1;
const ACCESS_SPEC_ID = 1;
const TID_OPSPEC_ID = 1;

/**
 * A UHF RFID reader over LLRP 1.0.1 (TCP 5084). open() connects and waits for the reader's
 * ConnectionAttemptEvent; configure() (after every connect) resets the reader's configuration, sets the
 * keepalive, adds the TID AccessSpec when asked, then adds and enables the ROSpec (and starts it for
 * the `command` trigger). Reports become `tag` events after the lane's tag filter; keepalives are
 * answered and their absence makes the link count as dead (isAlive), so a reader that vanished without
 * closing the socket is reconnected.
 *
 * Counters: `messages`, `reports`, `reads`, `tags`, `duplicates`, `weak`, `keepalives`, `errorMessages`,
 * `malformed`, `garbage`, `unknownMessages`, `errors`.
 */
export class LlrpReader extends TypedEmitter<DriverEvents<RfidReaderEvents>> implements RfidReaderDriver {
  readonly kind = 'rfid' as const;
  readonly name: string;
  readonly config: LlrpReaderConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly filter: TagFilter;
  private readonly connect: (opts: { host: string; port: number }) => Socket;
  private readonly stream = new LlrpMessageReader();
  private socket: Socket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private connectionAttempt: ((status: number) => void) | null = null;
  /** open() has finished: socket errors now mean a lost link (before, open() reports them). */
  private up = false;
  private lastMessageAt = 0;
  private readonly tally: Record<string, number> = {};

  constructor(config: LlrpReaderConfig, deps: LlrpReaderDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.clock = deps.clock;
    this.log = deps.log;
    this.filter = deps.tagFilter ?? new TagFilter({ dedupeWindowMs: config.dedupeWindowMs, minRssi: config.minRssi });
    this.connect = deps.connect ?? ((opts) => createConnection(opts));
    for (const name of ['messages', 'reports', 'reads', 'tags', 'duplicates', 'weak', 'keepalives', 'errorMessages', 'malformed', 'garbage', 'errors']) {
      this.tally[name] = 0;
    }
  }

  private get where(): string {
    return `${this.config.host}:${this.config.port}`;
  }

  async open(): Promise<void> {
    if (this.socket) await this.close();
    this.stream.reset();
    const socket = this.connect({ host: this.config.host, port: this.config.port });
    this.socket = socket;
    this.up = false;
    socket.setNoDelay(true);
    // Stays attached for the socket's life: an 'error' without a listener would crash the daemon.
    socket.on('error', (err) => {
      if (this.socket === socket && this.up) this.fail(new Error(`llrp connection to ${this.where}: ${err.message}`));
    });
    try {
      await this.within(this.config.connectTimeoutMs, `connect to ${this.where}`, (resolve) => socket.once('connect', resolve));
      if (this.socket !== socket) throw new DeviceOpenError(this.name, 'ECANCELED', 'closed while connecting', this.where);
      socket.on('data', this.onData);
      socket.on('close', this.onSocketClose);
      this.lastMessageAt = this.clock.monotonic();
      // The reader says whether it accepts us (only one client may be connected).
      const status = await this.within<number>(this.config.connectTimeoutMs, 'the reader to accept the connection', (resolve) => {
        this.connectionAttempt = resolve;
      });
      if (status !== CONNECTION_ATTEMPT.SUCCESS) {
        const why = status === CONNECTION_ATTEMPT.CLIENT_INITIATED_EXISTS ? 'another client is connected' : `connection attempt status ${status}`;
        throw new DeviceOpenError(this.name, 'EBUSY', `reader refused the connection: ${why}`, this.where);
      }
    } catch (err) {
      this.connectionAttempt = null;
      this.destroy(socket);
      if (this.socket === socket) this.socket = null;
      throw toOpenError(this.name, this.where, err);
    }
    this.up = true;
    this.log.info({ host: this.config.host, port: this.config.port }, 'llrp reader connected');
    this.emit('up');
  }

  async configure(): Promise<void> {
    await this.request(MSG.SET_READER_CONFIG, 'reset configuration and set keepalive', setReaderConfigBody({ reset: true, keepaliveMs: this.config.keepaliveMs }));
    if (this.config.readTid) {
      const tid = { accessSpecId: ACCESS_SPEC_ID, rospecId: ROSPEC_ID, opSpecId: TID_OPSPEC_ID, wordCount: this.config.tidWords };
      await this.request(MSG.ADD_ACCESSSPEC, 'add TID AccessSpec', addTidAccessSpecBody(tid));
      await this.request(MSG.ENABLE_ACCESSSPEC, 'enable TID AccessSpec', idBody(ACCESS_SPEC_ID));
    }
    const trigger: RospecTrigger =
      this.config.startTrigger === 'gpi' ? { kind: 'gpi', port: this.config.gpiPort } : { kind: this.config.startTrigger };
    await this.request(MSG.ADD_ROSPEC, 'add ROSpec', addRospecBody({ id: ROSPEC_ID, trigger, antennas: this.config.antennas }));
    await this.request(MSG.ENABLE_ROSPEC, 'enable ROSpec', idBody(ROSPEC_ID));
    if (this.config.startTrigger === 'command') await this.request(MSG.START_ROSPEC, 'start ROSpec', idBody(ROSPEC_ID));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    this.up = false;
    this.connectionAttempt = null;
    this.failPending(new Error(`${this.name}: connection closed`));
    if (!socket) return;
    socket.off('data', this.onData);
    socket.off('close', this.onSocketClose);
    const closed = new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    if (socket.writable && !socket.connecting) {
      // Polite goodbye; the socket is destroyed once the bytes are out, whatever the reader does,
      // and at the latest after a second (a reader that stopped reading cannot hold us up).
      const grace = this.clock.setTimeout(() => socket.destroy(), 1_000);
      socket.end(encodeMessage(MSG.CLOSE_CONNECTION, this.nextId++), () => socket.destroy());
      await closed;
      grace.cancel();
      return;
    }
    socket.destroy();
    await closed;
  }

  isAlive(): boolean {
    if (!this.socket) return true;
    return this.clock.monotonic() - this.lastMessageAt < this.config.keepaliveMs * 3;
  }

  counters(): Record<string, number> {
    return { ...this.tally };
  }

  private bump(name: string, by = 1): void {
    this.tally[name] = (this.tally[name] ?? 0) + by;
  }

  /** Sends a request and waits for its response (same message ID) with a success status. */
  private request(type: number, label: string, body: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error(`${this.name}: not connected`));
    const id = this.nextId++;
    const response = RESPONSE_OF.get(type);
    if (response === undefined) return Promise.reject(new Error(`LLRP message ${type} has no response`));
    return new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`ETIMEDOUT: no answer to '${label}' within ${this.config.connectTimeoutMs} ms`));
      }, this.config.connectTimeoutMs);
      this.pending.set(id, { response, label, resolve, reject, timer });
      socket.write(encodeMessage(type, id, body));
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    const { messages, error } = this.stream.push(chunk);
    for (const message of messages) this.onMessage(message);
    const socket = this.socket;
    if (error && socket) {
      // TCP cannot resynchronise: the connection is dropped and made again.
      this.bump('garbage');
      this.bump('dropped');
      this.log.warn({ reason: error }, 'llrp stream corrupt, reconnecting');
      this.destroy(socket);
      this.fail(new Error(`LLRP stream corrupt: ${error}`));
    }
  };

  private onMessage(message: LlrpMessage): void {
    this.bump('messages');
    this.lastMessageAt = this.clock.monotonic();
    try {
      switch (message.type) {
        case MSG.KEEPALIVE:
          this.bump('keepalives');
          this.socket?.write(encodeMessage(MSG.KEEPALIVE_ACK, message.id));
          return;
        case MSG.READER_EVENT_NOTIFICATION:
          return this.onReaderEvent(message.body);
        case MSG.RO_ACCESS_REPORT:
          return this.onReport(message.body);
        case MSG.ERROR_MESSAGE: {
          const status = parseStatus(message.body);
          this.bump('errorMessages');
          this.log.warn({ code: status.code, description: status.description }, 'llrp reader reported an error');
          const pending = this.pending.get(message.id);
          if (pending) this.settle(message.id, pending, new Error(`reader refused '${pending.label}': ${status.code} ${status.description}`));
          return;
        }
        default:
          return this.onResponse(message);
      }
    } catch (err) {
      if (!(err instanceof LlrpDecodeError)) throw err;
      this.bump('malformed');
      this.bump('dropped');
      this.log.warn({ reason: err.message, type: MESSAGE_NAMES.get(message.type) ?? message.type }, 'llrp message dropped: malformed');
    }
  }

  private onResponse(message: LlrpMessage): void {
    const pending = this.pending.get(message.id);
    if (!pending || pending.response !== message.type) {
      this.bump('unknownMessages');
      return;
    }
    const status = parseStatus(message.body);
    if (status.code === STATUS_SUCCESS) this.settle(message.id, pending, null);
    else this.settle(message.id, pending, new Error(`reader refused '${pending.label}': status ${status.code} ${status.description}`));
  }

  private settle(id: number, pending: Pending, error: Error | null): void {
    this.pending.delete(id);
    pending.timer.cancel();
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private onReaderEvent(body: Buffer): void {
    const event = parseReaderEvent(body);
    if (event.connectionAttempt !== null && this.connectionAttempt) {
      const accept = this.connectionAttempt;
      this.connectionAttempt = null;
      accept(event.connectionAttempt);
    }
    if (event.gpi) this.bump('gpiEvents');
    if (event.connectionClosed) this.log.info('llrp reader is closing the connection');
  }

  private onReport(body: Buffer): void {
    const tags = parseRoAccessReport(body);
    this.bump('reports');
    for (const tag of tags) {
      this.bump('reads');
      const epc = toHex(tag.epc);
      const verdict = this.filter.check(epc, tag.rssi, this.clock.monotonic());
      if (verdict === 'weak') {
        this.bump('weak');
        continue;
      }
      if (verdict === 'duplicate') {
        this.bump('duplicates');
        continue;
      }
      this.bump('tags');
      const tid = tag.reads.get(TID_OPSPEC_ID);
      const firstSeen = tag.firstSeenUtcUs === null ? this.clock.now() : Number(tag.firstSeenUtcUs / 1000n);
      this.emit('tag', { epc, tid: tid ? toHex(tid) : null, antenna: tag.antenna, rssi: tag.rssi, firstSeen });
    }
  }

  private readonly onSocketClose = (): void => {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.up = false;
    this.failPending(new Error(`${this.name}: connection closed by the reader`));
    this.log.warn({ host: this.config.host, port: this.config.port }, 'llrp connection lost');
    this.emit('down', `connection closed by ${this.where}`);
  };

  private fail(error: Error): void {
    this.bump('errors');
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else this.log.warn({ err: error }, 'llrp reader error');
  }

  private failPending(error: Error): void {
    for (const [id, pending] of [...this.pending]) this.settle(id, pending, error);
  }

  private destroy(socket: Socket): void {
    socket.off('data', this.onData);
    socket.destroy();
  }

  /** Waits for `start` to call back, bounded by `ms`; rejects with ETIMEDOUT naming what was awaited. */
  private within<T = void>(ms: number, what: string, start: (resolve: (value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const socket = this.socket;
      const cleanup = (): void => {
        timer.cancel();
        socket?.off('error', onError);
        socket?.off('close', onClose);
      };
      const onError = (err: Error): void => {
        cleanup();
        reject(err);
      };
      const onClose = (): void => {
        cleanup();
        reject(new DeviceOpenError(this.name, 'ECONNRESET', `connection closed while waiting for ${what}`, this.where));
      };
      const timer = this.clock.setTimeout(() => {
        cleanup();
        reject(new DeviceOpenError(this.name, 'ETIMEDOUT', `no ${what} within ${ms} ms`, this.where));
      }, ms);
      socket?.once('error', onError);
      socket?.once('close', onClose);
      start((value) => {
        cleanup();
        resolve(value);
      });
    });
  }
}

function toOpenError(device: string, where: string, err: unknown): DeviceOpenError {
  if (err instanceof DeviceOpenError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? 'EOPEN';
  const message = err instanceof Error ? err.message : String(err);
  return new DeviceOpenError(device, code, message.replace(/^connect \w+ /, 'cannot connect: '), where);
}
