import { z } from 'zod';
import { encodeRteBlock } from '../mrz/rte-frame.js';
import { SeededNoise, commonFaultSteps, misclock, parseWith, sleep, type CommonFaultStep, type SerialSimDevice, type SimLink } from './sim-kit.js';

/**
 * A passport/ID MRZ reader, byte for byte: each document read is sent as one RTE block
 * (<SOH> length "OU" <STX> flag lines <ETX> <BCC>, see drivers/mrz/rte-frame.ts) or as CR-terminated
 * lines. The specimen documents are ICAO 9303's published examples (fictional "UTO" holder), so the
 * demo never carries real personal data.
 */
export const SPECIMEN_MRZ = {
  TD1: ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'],
  TD2: ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'],
  TD3: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
} as const;

export const mrzSimOptionsSchema = z.strictObject({
  framing: z.enum(['rte', 'lines']).default('rte'),
  suffix: z.enum(['cr', 'crlf', 'lf']).default('cr'),
  /** RTE: pad lines with `_` to the full width, as the 3M readers do. */
  pad: z.boolean().default(true),
  baud: z.number().int().positive().default(9600),
  seed: z.number().int().optional(),
});

export type MrzSimOptions = z.infer<typeof mrzSimOptionsSchema>;

const lines = z.array(z.string().max(200)).min(1).max(4);
const format = z.enum(['TD1', 'TD2', 'TD3']);

export const mrzSimStepSchema = z.discriminatedUnion('op', [
  /** A document read: explicit lines, or a specimen of the given format. */
  z.strictObject({ op: z.literal('document'), lines: lines.optional(), format: format.optional() }),
  /** RTE: a block whose BCC is wrong. */
  z.strictObject({ op: z.literal('badChecksum'), format: format.default('TD3') }),
  /** The first half of a document's bytes (the reader unplugged mid-send). */
  z.strictObject({ op: z.literal('partial'), format: format.default('TD3') }),
  /** A block or line of `length` bytes. */
  z.strictObject({ op: z.literal('oversize'), length: z.number().int().min(1).max(1_048_576) }),
  z.strictObject({ op: z.literal('wrongBaud'), format: format.default('TD3'), baud: z.number().int().positive() }),
  ...commonFaultSteps,
]);

export type MrzSimStep = z.infer<typeof mrzSimStepSchema>;

const TERMINATORS = { cr: [0x0d], crlf: [0x0d, 0x0a], lf: [0x0a] } as const;

export class MrzReaderSim implements SerialSimDevice {
  private readonly link: SimLink;
  private readonly opts: MrzSimOptions;
  private readonly noise: SeededNoise;

  constructor(link: SimLink, opts: MrzSimOptions) {
    this.link = link;
    this.opts = opts;
    this.noise = new SeededNoise(opts.seed);
  }

  parseStep(value: unknown): { ok: true; step: unknown } | { ok: false; error: string } {
    return parseWith(mrzSimStepSchema, value);
  }

  receive(): void {
    // RTE Native readers accept no commands; line readers ignore the host too.
  }

  reset(): void {}

  dispose(): void {}

  /** The bytes one document read is sent as. */
  encode(mrzLines: readonly string[]): Buffer {
    if (this.opts.framing === 'lines') {
      const terminator = Buffer.from(TERMINATORS[this.opts.suffix]);
      return Buffer.concat(mrzLines.flatMap((line) => [Buffer.from(line, 'latin1'), terminator]));
    }
    const width = Math.max(...mrzLines.map((line) => line.length));
    const padded = mrzLines.map((line) => (this.opts.pad ? line.padEnd(width, '_') : line));
    // Three line slots: a two-line document leaves the top slot empty, as the RTE readers do.
    const slots = padded.length < 3 ? [...Array<string>(3 - padded.length).fill(''), ...padded] : padded;
    return encodeRteBlock(Buffer.from(slots.map((line) => `${line}\r`).join(''), 'latin1'));
  }

  async run(input: unknown): Promise<void> {
    const step = input as MrzSimStep | CommonFaultStep;
    switch (step.op) {
      case 'document':
        return this.link.write(this.encode(step.lines ?? SPECIMEN_MRZ[step.format ?? 'TD3']));
      case 'badChecksum': {
        if (this.opts.framing !== 'rte') throw new Error('line output has no block check');
        const block = this.encode(SPECIMEN_MRZ[step.format]);
        block[block.length - 1] = block[block.length - 1]! ^ 0x5a;
        return this.link.write(block);
      }
      case 'partial': {
        const whole = this.encode(SPECIMEN_MRZ[step.format]);
        return this.link.write(whole.subarray(0, Math.floor(whole.length / 2)));
      }
      case 'oversize':
        return this.link.write(this.encode([('<'.repeat(step.length))]));
      case 'wrongBaud':
        return this.link.write(misclock(this.encode(SPECIMEN_MRZ[step.format]), step.baud, this.opts.baud));
      case 'garbage': {
        const tail = this.opts.framing === 'lines' ? Buffer.from(TERMINATORS[this.opts.suffix]) : Buffer.alloc(0);
        return this.link.write(Buffer.concat([this.noise.bytes(step.length, [0x0a, 0x0d, 0x01]), tail]));
      }
      case 'raw':
        return this.link.write(Buffer.from(step.hex, 'hex'));
      case 'stall':
        return sleep(this.link.clock, step.ms);
    }
  }
}
