import { z } from 'zod';
import type { Clock } from '../../src/util/clock.js';

/**
 * What every serial device simulator shares: the link it writes to, scripted fault steps, seeded
 * noise, and the bytes a receiver set to the wrong baud rate would see. Simulators are device-side
 * code: they answer the host's commands with the device's bytes and can be told to misbehave.
 */
export interface SimLink {
  /** Resolves when the bytes have been handed to the OS (drained). */
  write(bytes: Buffer): Promise<void>;
  clock: Clock;
  /** Reports something the device saw (a command it understood), for tests and the demo's log. */
  report(event: Record<string, unknown>): void;
}

/** A device simulator the serial runner can drive. */
export interface SerialSimDevice {
  /** Bytes the host sent. */
  receive(chunk: Buffer): void;
  /** Runs one validated script step. */
  run(step: unknown): Promise<void>;
  /** Validates a script step; a bad step gets a one-line reason, never an exception. */
  parseStep(value: unknown): { ok: true; step: unknown } | { ok: false; error: string };
  /** Power cycle: the device forgets its state (trigger, configuration). */
  reset(): void;
  /** Cancels the device's own timers (the process is ending). */
  dispose(): void;
}

export const hexSchema = z.string().regex(/^(?:[0-9a-fA-F]{2})*$/, 'must be an even number of hex digits');

/** Fault steps every serial simulator understands. */
export const commonFaultSteps = [
  /** Line noise: `length` random bytes (no frame delimiters of the family, see noise()). */
  z.strictObject({ op: z.literal('garbage'), length: z.number().int().min(1).max(65_536) }),
  /** Exact bytes, hex-encoded, with nothing added. */
  z.strictObject({ op: z.literal('raw'), hex: hexSchema }),
  /** Silence on the line (and no answers to the host meanwhile when `mute` is set). */
  z.strictObject({ op: z.literal('stall'), ms: z.number().int().min(0).max(600_000), mute: z.boolean().optional() }),
] as const;

export type CommonFaultStep =
  | { op: 'garbage'; length: number }
  | { op: 'raw'; hex: string }
  | { op: 'stall'; ms: number; mute?: boolean | undefined };

/** Validates with a zod schema; the first issue becomes the one-line reason. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): { ok: true; step: T } | { ok: false; error: string } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, step: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid step'}` };
}

export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** xorshift32: deterministic noise without a dependency, so a fault step sends the same bytes every run. */
export class SeededNoise {
  private seed: number;

  constructor(seed = 0x2545f491) {
    this.seed = seed >>> 0 || 1;
  }

  next(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  /** `length` bytes, none of them in `avoid`, starting with NUL (what a line break reads as). */
  bytes(length: number, avoid: readonly number[] = []): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 1; i < length; i += 1) {
      let byte: number;
      do byte = this.next() & 0xff;
      while (avoid.includes(byte));
      out[i] = byte;
    }
    return out;
  }
}

/**
 * The bytes a UART receiver at `receiverBaud` decodes from `bytes` sent at `senderBaud` (8N1):
 * what a scanner configured for another speed looks like to the driver. The line idles high; the
 * receiver waits for a falling edge, then samples the middle of each of its own bit times.
 */
export function misclock(bytes: Uint8Array, senderBaud: number, receiverBaud: number): Buffer {
  const bits: number[] = [1, 1];
  for (const byte of bytes) {
    bits.push(0);
    for (let b = 0; b < 8; b += 1) bits.push((byte >> b) & 1);
    bits.push(1);
  }
  bits.push(1, 1);
  const level = (t: number): number => bits[Math.floor(t)] ?? 1;
  const ratio = senderBaud / receiverBaud; // one receiver bit, in sender bit times
  const out: number[] = [];
  let t = 0;
  while (t < bits.length) {
    // Falling edge: the first sender bit at or after t that is low.
    let i = Math.floor(t);
    while (i < bits.length && bits[i] !== 0) i += 1;
    if (i >= bits.length) break;
    const start = Math.max(i, t);
    let byte = 0;
    for (let b = 0; b < 8; b += 1) byte |= level(start + (b + 1.5) * ratio) << b;
    out.push(byte);
    t = start + 9.5 * ratio;
  }
  return Buffer.from(out);
}
