import { z } from 'zod';
import { PacketScanner } from '../scanner/packet-scanner.js';
import {
  DATALOGIC_DISABLE,
  DATALOGIC_ENABLE,
  SCANNER_PROTOCOLS,
  newlandReply,
  type ScannerProtocol,
} from '../scanner/trigger-commands.js';
import {
  SSI_BARCODE_TYPE_TO_AIM,
  SSI_NAK,
  SSI_OPCODE,
  SSI_SOURCE,
  SSI_STATUS,
  encodeSsi,
  ssiOpcodeName,
  ssiPacketFormat,
} from '../scanner/zebra-ssi.js';
import { SeededNoise, commonFaultSteps, misclock, parseWith, sleep, type CommonFaultStep, type SerialSimDevice, type SimLink } from './sim-kit.js';

/**
 * A QR/barcode scanner of any supported family, byte for byte: it sends codes the way the family
 * does (lines with prefix, AIM identifier and terminator, or SSI DECODE_DATA packets), and answers
 * the host's commands as the device would (Honeywell SYN T/U, Newland ~SOH...SCNTRG, Datalogic E/D,
 * SSI packets with ACK/NAK). A code can be sent outright (`code`) or held in front of the scanner
 * (`present`), in which case it is only read when the scanner is armed: always in continuous mode,
 * after a trigger in triggered mode, while enabled for Datalogic.
 */
export const scannerSimOptionsSchema = z.strictObject({
  protocol: z.enum(SCANNER_PROTOCOLS as [ScannerProtocol, ...ScannerProtocol[]]).default('line'),
  mode: z.enum(['continuous', 'triggered']).default('continuous'),
  suffix: z.enum(['cr', 'crlf', 'lf', 'none']).default('cr'),
  prefix: z.string().min(1).optional(),
  aimIds: z.boolean().default(false),
  /** Suffix 'none': the pause after each code that ends it. */
  pauseMs: z.number().int().min(0).default(200),
  /** The baud rate the host listens at (wrongBaud steps send at another). */
  baud: z.number().int().positive().default(9600),
  seed: z.number().int().optional(),
});

export type ScannerSimOptions = z.infer<typeof scannerSimOptionsSchema>;

const codeText = z.string().min(1);
const symbology = z.string().regex(/^\][A-Za-z][0-9A-Za-z]$/, 'must be an AIM identifier like ]Q1').optional();

export const scannerSimStepSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('code'), text: codeText, symbology }),
  z.strictObject({ op: z.literal('present'), text: codeText, symbology }),
  z.strictObject({ op: z.literal('burst'), texts: z.array(codeText).min(1) }),
  z.strictObject({ op: z.literal('partial'), text: codeText }),
  z.strictObject({ op: z.literal('oversize'), length: z.number().int().min(1).max(1_048_576) }),
  z.strictObject({ op: z.literal('badChecksum'), text: codeText }),
  z.strictObject({ op: z.literal('wrongBaud'), text: codeText, baud: z.number().int().positive() }),
  z.strictObject({ op: z.literal('nak'), count: z.number().int().min(1).max(100) }),
  ...commonFaultSteps,
]);

export type ScannerSimStep = z.infer<typeof scannerSimStepSchema>;

const TERMINATORS = { cr: [0x0d], crlf: [0x0d, 0x0a], lf: [0x0a], none: [] } as const;
const AIM_TO_SSI_TYPE = new Map([...SSI_BARCODE_TYPE_TO_AIM].map(([type, aim]) => [aim, type]));
const SSI_CHUNK = 200;

export class ScannerSim implements SerialSimDevice {
  private readonly link: SimLink;
  private readonly opts: ScannerSimOptions;
  private readonly noise: SeededNoise;
  private readonly ssiIn = new PacketScanner(ssiPacketFormat);
  private hostBytes: number[] = [];
  private armed = false;
  private enabled = true;
  private naksToSend = 0;
  private presented: Array<{ text: string; symbology: string | undefined }> = [];
  private lastDecode: Buffer[] = [];
  /** Writes in order even when a command answer and a scripted code overlap. */
  private queue: Promise<void> = Promise.resolve();

  constructor(link: SimLink, opts: ScannerSimOptions) {
    this.link = link;
    this.opts = opts;
    this.noise = new SeededNoise(opts.seed);
  }

  parseStep(value: unknown): { ok: true; step: unknown } | { ok: false; error: string } {
    return parseWith(scannerSimStepSchema, value);
  }

  reset(): void {
    this.hostBytes = [];
    this.ssiIn.reset();
    this.armed = false;
    this.enabled = true;
    this.naksToSend = 0;
    this.lastDecode = [];
  }

  dispose(): void {}

  /** The bytes one code is sent as (line families: one frame; SSI: one or more packets). */
  encode(text: string | Buffer, aim?: string, status = 0): Buffer {
    const body = Buffer.from(text);
    if (this.opts.protocol === 'zebra-ssi') return Buffer.concat(this.ssiPackets(body, aim, status));
    const prefix = this.opts.prefix ? Buffer.from(this.opts.prefix) : Buffer.alloc(0);
    const id = this.opts.aimIds ? Buffer.from(aim ?? ']Q1', 'latin1') : Buffer.alloc(0);
    return Buffer.concat([prefix, id, body, Buffer.from(TERMINATORS[this.opts.suffix])]);
  }

  async run(input: unknown): Promise<void> {
    const step = input as ScannerSimStep | CommonFaultStep;
    switch (step.op) {
      case 'code':
        return this.sendCode(step.text, step.symbology);
      case 'present':
        this.presented.push({ text: step.text, symbology: step.symbology });
        return this.readPresented();
      case 'burst':
        await this.out(Buffer.concat(step.texts.map((text) => this.encode(text))));
        return this.pause();
      case 'partial': {
        const whole = this.encode(step.text);
        return this.out(whole.subarray(0, Math.max(1, Math.floor(whole.length / 2))));
      }
      case 'oversize':
        await this.out(this.encode(Buffer.alloc(step.length, 'X')));
        return this.pause();
      case 'badChecksum': {
        if (this.opts.protocol !== 'zebra-ssi') throw new Error(`protocol ${this.opts.protocol} has no checksum`);
        const packet = this.encode(step.text);
        packet[packet.length - 1] = packet[packet.length - 1]! ^ 0xff;
        return this.out(packet);
      }
      case 'wrongBaud':
        await this.out(misclock(this.encode(step.text), step.baud, this.opts.baud));
        return this.pause();
      case 'nak':
        this.naksToSend += step.count;
        return;
      case 'garbage': {
        const terminator = this.opts.protocol === 'zebra-ssi' ? Buffer.alloc(0) : Buffer.from(TERMINATORS[this.opts.suffix]);
        await this.out(Buffer.concat([this.noise.bytes(step.length, [0x0a, 0x0d, 0x02]), terminator]));
        return this.pause();
      }
      case 'raw':
        return this.out(Buffer.from(step.hex, 'hex'));
      case 'stall':
        return sleep(this.link.clock, step.ms);
    }
  }

  receive(chunk: Buffer): void {
    if (this.opts.protocol === 'zebra-ssi') {
      for (const packet of this.ssiIn.push(chunk, this.link.clock.monotonic()).packets) this.onSsi(packet.opcode, packet.data);
      return;
    }
    for (const byte of chunk) this.onHostByte(byte);
  }

  private async sendCode(text: string, aim: string | undefined): Promise<void> {
    await this.out(this.encode(text, aim));
    await this.pause();
  }

  /** Reads what is held in front of the scanner, if it is armed now. */
  private async readPresented(): Promise<void> {
    while (this.presented.length > 0 && this.isArmed()) {
      const next = this.presented.shift()!;
      // Trigger families stop after a good read, as the real scanners do in manual trigger mode.
      if (this.opts.mode === 'triggered') this.armed = false;
      await this.sendCode(next.text, next.symbology);
    }
  }

  private isArmed(): boolean {
    if (this.opts.protocol === 'datalogic') return this.enabled;
    if (this.opts.mode === 'continuous' || this.opts.protocol === 'line') return this.enabled;
    return this.armed && this.enabled;
  }

  private command(name: string): void {
    this.link.report({ event: 'command', name });
  }

  private arm(on: boolean): void {
    this.armed = on;
    if (on) void this.readPresented();
  }

  /** Line families: host commands arrive as bytes (SYN x CR, ~ SOH ... ETX, single characters). */
  private onHostByte(byte: number): void {
    switch (this.opts.protocol) {
      case 'honeywell':
        this.hostBytes.push(byte);
        if (this.hostBytes[0] !== 0x16) this.hostBytes = [];
        else if (this.hostBytes.length === 3) {
          const [, letter, cr] = this.hostBytes;
          this.hostBytes = [];
          if (cr !== 0x0d) return;
          if (letter === 0x54) {
            this.command('TRIGGER_ON');
            this.arm(true);
          } else if (letter === 0x55) {
            this.command('TRIGGER_OFF');
            this.arm(false);
          }
        }
        return;
      case 'newland':
        if (this.hostBytes.length === 0 && byte !== 0x7e) return;
        this.hostBytes.push(byte);
        if (byte === 0x03) this.onNewland(Buffer.from(this.hostBytes));
        if (byte === 0x03 || this.hostBytes.length > 64) this.hostBytes = [];
        return;
      case 'datalogic':
        if (byte === DATALOGIC_ENABLE[0]) {
          this.command('ENABLE');
          this.enabled = true;
          void this.readPresented();
        } else if (byte === DATALOGIC_DISABLE[0]) {
          this.command('DISABLE');
          this.enabled = false;
        }
        return;
      default:
        return; // a plain line scanner ignores what the host sends
    }
  }

  private onNewland(frame: Buffer): void {
    // ~ SOH 0000# body ; ETX
    const text = frame.toString('latin1', 2, frame.length - 1);
    if (frame[1] !== 0x01 || !text.startsWith('0000#') || !text.endsWith(';')) return;
    const body = text.slice(5, -1);
    this.command(body);
    const ok = this.naksToSend === 0 && /^SCNTRG[01]$/.test(body);
    if (this.naksToSend > 0) this.naksToSend -= 1;
    this.enqueue(newlandReply(body, ok));
    if (ok) this.arm(body === 'SCNTRG1');
  }

  private onSsi(opcode: number, data: Buffer): void {
    this.command(ssiOpcodeName(opcode));
    if (opcode === SSI_OPCODE.CMD_ACK) {
      this.lastDecode = [];
      return;
    }
    if (opcode === SSI_OPCODE.CMD_NAK) {
      if (data[0] === SSI_NAK.RESEND && this.lastDecode.length > 0) {
        for (const packet of this.lastDecode) this.enqueue(this.withStatus(packet, SSI_STATUS.RETRANSMIT));
      }
      return;
    }
    if (this.naksToSend > 0) {
      this.naksToSend -= 1;
      this.enqueue(encodeSsi({ opcode: SSI_OPCODE.CMD_NAK, source: SSI_SOURCE.DECODER, data: Uint8Array.of(SSI_NAK.DENIED) }));
      return;
    }
    this.enqueue(encodeSsi({ opcode: SSI_OPCODE.CMD_ACK, source: SSI_SOURCE.DECODER }));
    if (opcode === SSI_OPCODE.SCAN_ENABLE) {
      this.enabled = true;
      void this.readPresented();
    } else if (opcode === SSI_OPCODE.SCAN_DISABLE) this.enabled = false;
    else if (opcode === SSI_OPCODE.START_DECODE) this.arm(true);
    else if (opcode === SSI_OPCODE.STOP_DECODE) this.arm(false);
  }

  private ssiPackets(body: Buffer, aim: string | undefined, status: number): Buffer[] {
    const type = AIM_TO_SSI_TYPE.get(aim ?? ']Q1') ?? 0x1c;
    const packets: Buffer[] = [];
    for (let at = 0; at < body.length || at === 0; at += SSI_CHUNK) {
      const last = at + SSI_CHUNK >= body.length;
      const chunk = body.subarray(at, at + SSI_CHUNK);
      packets.push(
        encodeSsi({
          opcode: SSI_OPCODE.DECODE_DATA,
          source: SSI_SOURCE.DECODER,
          status: status | (last ? 0 : SSI_STATUS.CONTINUATION),
          data: Buffer.concat([Buffer.of(type), chunk]),
        }),
      );
      if (last) break;
    }
    this.lastDecode = packets;
    return packets;
  }

  private withStatus(packet: Buffer, bits: number): Buffer {
    const length = packet[0]!;
    const data = packet.subarray(4, length);
    return encodeSsi({ opcode: packet[1]!, source: packet[2]!, status: packet[3]! | bits, data });
  }

  private enqueue(bytes: Buffer): void {
    void this.out(bytes).catch(() => undefined);
  }

  private out(bytes: Buffer): Promise<void> {
    const write = this.queue.then(() => this.link.write(bytes));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async pause(): Promise<void> {
    if (this.opts.protocol !== 'zebra-ssi' && this.opts.suffix === 'none') await sleep(this.link.clock, this.opts.pauseMs);
  }
}
