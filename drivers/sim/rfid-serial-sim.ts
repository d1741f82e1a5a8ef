import { z } from 'zod';
import { PacketScanner } from '../scanner/packet-scanner.js';
import {
  R2000_CMD,
  R2000_FAIL,
  R2000_SUCCESS,
  encodeR2000,
  encodeR2000RoundEnd,
  encodeR2000TagData,
  r2000Format,
  type R2000Packet,
} from '../rfid/r2000-protocol.js';
import {
  UHF_CMD,
  UHF_STATUS,
  encodeInventoryData,
  encodeUhfResponse,
  uhfCommandFormat,
  type UhfCommand,
} from '../rfid/uhfreader18-protocol.js';
import { SeededNoise, commonFaultSteps, misclock, parseWith, sleep, type CommonFaultStep, type SerialSimDevice, type SimLink } from './sim-kit.js';

/**
 * A UHF RFID reader on a serial line, UHFReader18 or R2000 protocol, byte for byte: it answers the
 * handshake and setup commands and every inventory request with the tags currently "in the field"
 * (set by a `tags` step). Fault steps send what bad cables and wrong settings produce.
 */
const tagSchema = z.strictObject({
  epc: z.string().regex(/^(?:[0-9A-Fa-f]{4}){1,31}$/, 'must be hex, whole 16-bit words, at most 31 words'),
  rssi: z.number().int().min(-128).max(0).default(-50),
  antenna: z.number().int().min(1).max(4).default(1),
});

export const rfidSimOptionsSchema = z.strictObject({
  protocol: z.enum(['uhfreader18', 'r2000']),
  /** The reader's own address (it answers commands to this address or to 255). */
  address: z.number().int().min(0).max(255).default(0),
  tags: z.array(tagSchema).default([]),
  baud: z.number().int().positive().default(57600),
  seed: z.number().int().optional(),
});

export type RfidSimOptions = z.infer<typeof rfidSimOptionsSchema>;
type SimTag = z.infer<typeof tagSchema>;

export const rfidSimStepSchema = z.discriminatedUnion('op', [
  /** The tags in the field from now on (replaces the previous set). */
  z.strictObject({ op: z.literal('tags'), tags: z.array(tagSchema) }),
  /** A tag answer with a wrong CRC/checksum, sent now. */
  z.strictObject({ op: z.literal('badChecksum') }),
  /** The first half of a tag answer (unplugged mid-frame). */
  z.strictObject({ op: z.literal('partial') }),
  /** A well-framed answer claiming an EPC longer than Gen2 allows. */
  z.strictObject({ op: z.literal('oversize') }),
  /** A tag answer as seen by a host listening at another baud rate. */
  z.strictObject({ op: z.literal('wrongBaud'), baud: z.number().int().positive() }),
  /** The next `count` setup commands are refused. */
  z.strictObject({ op: z.literal('refuse'), count: z.number().int().min(1).max(100) }),
  ...commonFaultSteps,
]);

export type RfidSimStep = z.infer<typeof rfidSimStepSchema>;

const DEFAULT_EPC = 'E28011606000020A1B2C3D4E';
const COMMAND_NAMES = new Map<number, string>([
  ...Object.entries(UHF_CMD).map(([name, code]) => [code, name] as [number, string]),
  ...Object.entries(R2000_CMD).map(([name, code]) => [code, name] as [number, string]),
]);

export class RfidSerialSim implements SerialSimDevice {
  private readonly link: SimLink;
  private readonly opts: RfidSimOptions;
  private readonly noise: SeededNoise;
  private readonly uhfIn = new PacketScanner(uhfCommandFormat);
  private readonly r2000In = new PacketScanner(r2000Format);
  private tags: SimTag[];
  private refusals = 0;
  private workAntenna = 1;
  private totalReads = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(link: SimLink, opts: RfidSimOptions) {
    this.link = link;
    this.opts = opts;
    this.noise = new SeededNoise(opts.seed);
    this.tags = [...opts.tags];
  }

  parseStep(value: unknown): { ok: true; step: unknown } | { ok: false; error: string } {
    return parseWith(rfidSimStepSchema, value);
  }

  reset(): void {
    this.uhfIn.reset();
    this.r2000In.reset();
    this.refusals = 0;
    this.workAntenna = 1;
  }

  dispose(): void {}

  receive(chunk: Buffer): void {
    const now = this.link.clock.monotonic();
    if (this.opts.protocol === 'uhfreader18') for (const command of this.uhfIn.push(chunk, now).packets) this.onUhf(command);
    else for (const packet of this.r2000In.push(chunk, now).packets) this.onR2000(packet);
  }

  async run(input: unknown): Promise<void> {
    const step = input as RfidSimStep | CommonFaultStep;
    switch (step.op) {
      case 'tags':
        this.tags = [...step.tags];
        return;
      case 'badChecksum': {
        const frame = this.tagAnswer();
        frame[frame.length - 1] = frame[frame.length - 1]! ^ 0xff;
        return this.out(frame);
      }
      case 'partial': {
        const frame = this.tagAnswer();
        return this.out(frame.subarray(0, Math.floor(frame.length / 2)));
      }
      case 'oversize': {
        const epc = Buffer.alloc(64, 0xab);
        return this.out(
          this.opts.protocol === 'uhfreader18'
            ? encodeUhfResponse(this.opts.address, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([epc]))
            : encodeR2000(this.opts.address, R2000_CMD.REAL_TIME_INVENTORY, encodeR2000TagData(epc, 1, -40)),
        );
      }
      case 'wrongBaud':
        return this.out(misclock(this.tagAnswer(), step.baud, this.opts.baud));
      case 'refuse':
        this.refusals += step.count;
        return;
      case 'garbage':
        return this.out(this.noise.bytes(step.length));
      case 'raw':
        return this.out(Buffer.from(step.hex, 'hex'));
      case 'stall':
        return sleep(this.link.clock, step.ms);
    }
  }

  /** One tag's answer as the protocol sends it (the first tag in the field, or a fixed EPC). */
  private tagAnswer(): Buffer {
    const tag = this.tags[0] ?? { epc: DEFAULT_EPC, rssi: -50, antenna: 1 };
    const epc = Buffer.from(tag.epc, 'hex');
    return this.opts.protocol === 'uhfreader18'
      ? encodeUhfResponse(this.opts.address, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([epc]))
      : encodeR2000(this.opts.address, R2000_CMD.REAL_TIME_INVENTORY, encodeR2000TagData(epc, tag.antenna, tag.rssi));
  }

  private report(command: number): void {
    this.link.report({ event: 'command', name: COMMAND_NAMES.get(command) ?? `0x${command.toString(16)}` });
  }

  private refused(): boolean {
    if (this.refusals === 0) return false;
    this.refusals -= 1;
    return true;
  }

  private onUhf(command: UhfCommand): void {
    if (command.address !== this.opts.address && command.address !== 0xff) return;
    const reply = (status: number, data?: Uint8Array): void => this.enqueue(encodeUhfResponse(this.opts.address, command.command, status, data));
    if (command.command !== UHF_CMD.INVENTORY) this.report(command.command);
    switch (command.command) {
      case UHF_CMD.GET_READER_INFO:
        return reply(UHF_STATUS.SUCCESS, Uint8Array.of(0x03, 0x01, 0x09, 0x03, 0x3e, 0x00, 0x1e, 0x0a));
      case UHF_CMD.SET_POWER:
        return reply(this.refused() ? UHF_STATUS.COMMAND_ERROR : UHF_STATUS.SUCCESS);
      case UHF_CMD.INVENTORY: {
        if (this.tags.length === 0) return reply(UHF_STATUS.NO_TAG);
        const epcs = this.tags.map((tag) => Buffer.from(tag.epc, 'hex'));
        // Keep each answer under the 255-byte frame limit: long lists go out in parts.
        for (let at = 0; at < epcs.length; at += 3) {
          const part = epcs.slice(at, at + 3);
          reply(at + 3 >= epcs.length ? UHF_STATUS.INVENTORY_DONE : UHF_STATUS.MORE_DATA, encodeInventoryData(part));
        }
        return;
      }
      default:
        return reply(UHF_STATUS.COMMAND_ERROR);
    }
  }

  private onR2000(packet: R2000Packet): void {
    if (packet.address !== this.opts.address && packet.address !== 0xff) return;
    const reply = (data: Uint8Array): void => this.enqueue(encodeR2000(this.opts.address, packet.command, data));
    if (packet.command !== R2000_CMD.REAL_TIME_INVENTORY) this.report(packet.command);
    switch (packet.command) {
      case R2000_CMD.GET_FIRMWARE_VERSION:
        return reply(Uint8Array.of(0x01, 0x0b));
      case R2000_CMD.SET_WORK_ANTENNA: {
        if (this.refused()) return reply(Uint8Array.of(R2000_FAIL));
        this.workAntenna = (packet.data[0] ?? 0) + 1;
        return reply(Uint8Array.of(R2000_SUCCESS));
      }
      case R2000_CMD.SET_OUTPUT_POWER:
        return reply(Uint8Array.of(this.refused() ? R2000_FAIL : R2000_SUCCESS));
      case R2000_CMD.REAL_TIME_INVENTORY: {
        const seen = this.tags.filter((tag) => tag.antenna === this.workAntenna);
        for (const tag of seen) reply(encodeR2000TagData(Buffer.from(tag.epc, 'hex'), tag.antenna, tag.rssi));
        this.totalReads += seen.length;
        return reply(encodeR2000RoundEnd(this.workAntenna, seen.length * 10, this.totalReads));
      }
      default:
        return reply(Uint8Array.of(R2000_FAIL));
    }
  }

  private enqueue(bytes: Buffer): void {
    void this.out(bytes).catch(() => undefined);
  }

  private out(bytes: Buffer): Promise<void> {
    const write = this.queue.then(() => this.link.write(bytes));
    this.queue = write.catch(() => undefined);
    return write;
  }
}
