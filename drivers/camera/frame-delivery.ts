import type { CameraFrame } from './camera.js';

/**
 * Latest-frame-only delivery. Frames are handed over on the next event-loop turn; when several complete
 * before that turn (the loop was busy, a burst came off the pipe), only the newest is delivered and the
 * others are counted as dropped. At most one frame ever waits, so a slow consumer costs frames, never
 * memory or latency, and the reader of the pipe never stops (a stalled pipe would stall ffmpeg and, behind
 * it, the camera connection).
 */
export class LatestFrameGate {
  private pending: CameraFrame | null = null;
  private scheduled: NodeJS.Immediate | null = null;
  private droppedCount = 0;
  private readonly deliver: (frame: CameraFrame) => void;

  constructor(deliver: (frame: CameraFrame) => void) {
    this.deliver = deliver;
  }

  offer(frame: CameraFrame): void {
    if (this.pending) this.droppedCount += 1;
    this.pending = frame;
    this.scheduled ??= setImmediate(this.flush);
  }

  /** Forgets a waiting frame (the source is closing); it counts as dropped. */
  cancel(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    if (this.pending) this.droppedCount += 1;
    this.pending = null;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  private readonly flush = (): void => {
    this.scheduled = null;
    const frame = this.pending;
    this.pending = null;
    if (frame) this.deliver(frame);
  };
}

/**
 * Frames per second over a sliding window. A gauge for health reports: it decays towards 0 when frames
 * stop, so a frozen camera shows up in `lanectl status` before the watchdog fires.
 */
export class FrameRateMeter {
  private readonly windowMs: number;
  private readonly maxSamples: number;
  private samples: number[] = [];
  private firstAt: number | null = null;

  constructor(windowMs = 5_000, maxSamples = 600) {
    this.windowMs = windowMs;
    this.maxSamples = maxSamples;
  }

  /** `at` is monotonic ms. */
  record(at: number): void {
    this.firstAt ??= at;
    this.samples.push(at);
    if (this.samples.length > this.maxSamples) this.samples.shift();
  }

  /** Rounded to 0.1 fps. */
  fps(now: number): number {
    const from = now - this.windowMs;
    while (this.samples.length > 0 && (this.samples[0] as number) <= from) this.samples.shift();
    if (this.samples.length === 0 || this.firstAt === null) return 0;
    // Until a whole window has passed, divide by the time seen so far (at least 1 s, against start-up spikes).
    const span = Math.max(1_000, Math.min(this.windowMs, now - this.firstAt));
    return Math.round((this.samples.length * 10_000) / span) / 10;
  }

  reset(): void {
    this.samples = [];
    this.firstAt = null;
  }
}
