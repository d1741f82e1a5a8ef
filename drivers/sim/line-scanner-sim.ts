import { z } from 'zod';
import type { Clock } from '../../src/util/clock.js';
import type { LineSuffix } from '../scanner/line-framer.js';

/**
 * A serial line-mode scanner, byte for byte: each code is sent as prefix + text + terminator (or,
 * with suffix 'none', followed by a pause). Scriptable so tests and the demo can also send what real
 * scanners and bad cables send: noise, codes cut off mid-way, oversize frames, silences.
 * It writes to any ByteSink; run-line-scanner-sim.ts puts it on one end of a socat pty pair.
 */
export interface ByteSink {
  /** Resolves when the bytes have been handed to the OS (drained). */
  write(bytes: Buffer): Promise<void>;
}

export const simStepSchema = z.discriminatedUnion('op', [
  /** One well-formed code. */
  z.strictObject({ op: z.literal('code'), text: z.string().min(1) }),
  /** Several codes in a single write, to prove framing does not depend on write boundaries. */
  z.strictObject({ op: z.literal('burst'), texts: z.array(z.string().min(1)).min(1) }),
  /** A code cut off before its terminator (unplug or stall mid-code). */
  z.strictObject({ op: z.literal('partial'), text: z.string().min(1) }),
  /** A terminated frame of line noise (control and high bytes), as at a wrong baud rate. */
  z.strictObject({ op: z.literal('garbage'), length: z.number().int().min(1).max(65_536) }),
  /** A terminated frame of `length` printable bytes: longer than the driver accepts. */
  z.strictObject({ op: z.literal('oversize'), length: z.number().int().min(1).max(1_048_576) }),
  /** Exact bytes, hex-encoded, with nothing added. */
  z.strictObject({ op: z.literal('raw'), hex: z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'must be an even number of hex digits') }),
  /** Silence on the line. */
  z.strictObject({ op: z.literal('stall'), ms: z.number().int().min(0).max(600_000) }),
]);

export type SimStep = z.infer<typeof simStepSchema>;

/** Validates one script step; bad input gets a one-line reason, never an exception. */
export function parseSimStep(value: unknown): { ok: true; step: SimStep } | { ok: false; error: string } {
  const parsed = simStepSchema.safeParse(value);
  if (parsed.success) return { ok: true, step: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid step'}` };
}

export interface LineScannerSimOptions {
  suffix: LineSuffix;
  prefix?: string;
  /** Suffix 'none': the pause after each code that ends it; keep it above the driver's inter-byte timeout. */
  pauseMs?: number;
  clock: Clock;
  /** Seed for the noise generator, so a garbage step sends the same bytes every run. */
  seed?: number;
}

const TERMINATORS: Record<LineSuffix, Buffer> = {
  cr: Buffer.from([0x0d]),
  crlf: Buffer.from([0x0d, 0x0a]),
  lf: Buffer.from([0x0a]),
  none: Buffer.alloc(0),
};

export class LineScannerSim {
  private readonly sink: ByteSink;
  private readonly opts: LineScannerSimOptions;
  private seed: number;
  private sent = 0;

  constructor(sink: ByteSink, opts: LineScannerSimOptions) {
    this.sink = sink;
    this.opts = opts;
    this.seed = opts.seed ?? 0x2545f491;
  }

  /** Frames written so far (codes, garbage and oversize frames). */
  get framesSent(): number {
    return this.sent;
  }

  /** prefix + text + terminator, as the scanner puts it on the wire. */
  encode(text: string | Buffer): Buffer {
    const prefix = this.opts.prefix ? Buffer.from(this.opts.prefix) : Buffer.alloc(0);
    return Buffer.concat([prefix, Buffer.from(text), TERMINATORS[this.opts.suffix]]);
  }

  async run(step: SimStep): Promise<void> {
    switch (step.op) {
      case 'code':
        return this.sendFrame(this.encode(step.text));
      case 'burst':
        await this.sink.write(Buffer.concat(step.texts.map((text) => this.encode(text))));
        this.sent += step.texts.length;
        return this.pauseIfUnterminated();
      case 'partial': {
        const prefix = this.opts.prefix ?? '';
        return this.sink.write(Buffer.from(prefix + step.text));
      }
      case 'garbage':
        return this.sendFrame(Buffer.concat([this.noise(step.length), TERMINATORS[this.opts.suffix]]));
      case 'oversize':
        return this.sendFrame(this.encode(Buffer.alloc(step.length, 'X')));
      case 'raw':
        return this.sink.write(Buffer.from(step.hex, 'hex'));
      case 'stall':
        return this.sleep(step.ms);
    }
  }

  async runScript(steps: readonly SimStep[]): Promise<void> {
    for (const step of steps) await this.run(step);
  }

  private async sendFrame(bytes: Buffer): Promise<void> {
    await this.sink.write(bytes);
    this.sent += 1;
    await this.pauseIfUnterminated();
  }

  /** With suffix 'none' only a pause separates codes. */
  private async pauseIfUnterminated(): Promise<void> {
    if (this.opts.suffix === 'none') await this.sleep(this.opts.pauseMs ?? 200);
  }

  /**
   * Bytes from line noise: anything but CR or LF (those would split the frame), starting with NUL
   * (what a line break condition reads as) so the frame is garbage whatever the rest decodes to.
   */
  private noise(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 1; i < length; i += 1) {
      let byte: number;
      do byte = this.nextRandom() & 0xff;
      while (byte === 0x0a || byte === 0x0d);
      out[i] = byte;
    }
    return out;
  }

  /** xorshift32: deterministic noise without a dependency. */
  private nextRandom(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.opts.clock.setTimeout(resolve, ms));
  }
}
