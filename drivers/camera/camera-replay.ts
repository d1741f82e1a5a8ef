import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import type { CameraCounters, CameraDriver, CameraEvents, CameraFrame } from './camera.js';
import type { CameraReplayConfig } from './camera-replay.config.js';
import { FrameRateMeter } from './frame-delivery.js';
import { inspectJpeg } from './jpeg-splitter.js';

export interface CameraReplayDeps {
  clock: Clock;
  log: Logger;
  /** Largest accepted file; default 8 MiB, as for live cameras. */
  maxFrameBytes?: number;
}

const IMAGE_FILE = /\.jpe?g$/i;

/**
 * A camera that plays JPEG files from a folder (or one file) at a fixed rate, looping: for technicians
 * checking recognition on site with known pictures and for benchmarks. The files' bytes are delivered as
 * they are, so what is measured downstream is the pipeline, not an encoder.
 *
 * Back-pressure as for live cameras: at most one file is being read; a tick that finds the previous read
 * still running is skipped and counted in droppedFrames (a slow disk lowers the rate, it never queues).
 * A file that is not a JPEG is skipped and counted (badFiles), never fatal; a whole pass without one
 * readable image reports `down`, so the supervisor shows the reason and retries.
 */
export class CameraReplay extends TypedEmitter<DriverEvents<CameraEvents>> implements CameraDriver {
  readonly kind = 'camera' as const;
  readonly name: string;
  /** The folder or file: removing it is this camera's "unplug". */
  readonly devicePath: string;
  private readonly config: CameraReplayConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxFrameBytes: number | undefined;
  private readonly meter = new FrameRateMeter();
  private files: string[] = [];
  private index = 0;
  private framesThisPass = 0;
  private running = false;
  private timer: TimerHandle | null = null;
  private reading: Promise<void> | null = null;
  private latest: CameraFrame | null = null;
  private lastFrameAt: number | null = null;
  private seq = 0;
  private starts = 0;
  private readonly stats = { frames: 0, droppedFrames: 0, garbageBytes: 0, badFiles: 0, loops: 0, finished: 0 };

  constructor(config: CameraReplayConfig, deps: CameraReplayDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.devicePath = config.path;
    this.clock = deps.clock;
    this.log = deps.log;
    this.maxFrameBytes = deps.maxFrameBytes;
  }

  async open(): Promise<void> {
    if (this.running) await this.close();
    this.files = await this.listImages();
    this.index = 0;
    this.framesThisPass = 0;
    this.stats.finished = 0;
    this.running = true;
    this.starts += 1;
    this.timer = this.clock.setInterval(this.tick, 1_000 / this.config.fps);
    this.log.info({ path: this.config.path, files: this.files.length, fps: this.config.fps }, 'replay camera started');
    this.emit('up');
    this.tick(); // the first picture now, not one period later
  }

  async close(): Promise<void> {
    this.running = false;
    this.stopTimer();
    if (this.reading) await this.reading;
  }

  latestFrame(): CameraFrame | null {
    return this.latest;
  }

  counters(): CameraCounters {
    const now = this.clock.monotonic();
    return {
      frames: this.stats.frames,
      fps: this.meter.fps(now),
      lastFrameAgeMs: this.lastFrameAt === null ? -1 : Math.round(now - this.lastFrameAt),
      restarts: Math.max(0, this.starts - 1),
      droppedFrames: this.stats.droppedFrames,
      garbageBytes: this.stats.garbageBytes,
      badFiles: this.stats.badFiles,
      loops: this.stats.loops,
      finished: this.stats.finished,
      files: this.files.length,
    };
  }

  private async listImages(): Promise<string[]> {
    const path = this.config.path;
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (err) {
      throw new DeviceOpenError(this.name, errorCode(err), 'replay folder or file not readable', path);
    }
    if (!isDirectory) return [path];
    let names: string[];
    try {
      names = await readdir(path);
    } catch (err) {
      throw new DeviceOpenError(this.name, errorCode(err), 'replay folder not readable', path);
    }
    const images = names.filter((n) => IMAGE_FILE.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (images.length === 0) throw new DeviceOpenError(this.name, 'ENODATA', 'no .jpg/.jpeg files in the replay folder', path);
    return images.map((n) => join(path, n));
  }

  private readonly tick = (): void => {
    if (!this.running) return;
    if (this.reading) {
      this.stats.droppedFrames += 1;
      return;
    }
    if (this.index >= this.files.length) {
      if (this.framesThisPass === 0) return this.fail(`no readable JPEG among ${this.files.length} file(s) in ${this.config.path}`);
      if (!this.config.loop) return this.finish();
      this.index = 0;
      this.framesThisPass = 0;
      this.stats.loops += 1;
    }
    const file = this.files[this.index++] as string;
    const reading = this.readOne(file).finally(() => {
      if (this.reading === reading) this.reading = null;
    });
    this.reading = reading;
  };

  private async readOne(file: string): Promise<void> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (err) {
      this.badFile(file, `cannot read: ${errorCode(err)}`);
      return;
    }
    if (!this.running) return;
    const check = inspectJpeg(data, this.maxFrameBytes !== undefined ? { maxFrameBytes: this.maxFrameBytes } : {});
    if (!check.ok) {
      this.stats.garbageBytes += data.length;
      this.badFile(file, check.reason);
      return;
    }
    this.stats.garbageBytes += check.extraBytes;
    const at = this.clock.monotonic();
    this.seq += 1;
    this.framesThisPass += 1;
    this.lastFrameAt = at;
    this.meter.record(at);
    const frame: CameraFrame = { jpeg: check.image.jpeg, width: check.image.width, height: check.image.height, at: this.clock.now(), seq: this.seq };
    this.latest = frame;
    this.stats.frames += 1;
    this.emit('frame', frame);
  }

  private badFile(file: string, reason: string): void {
    this.stats.badFiles += 1;
    // The file name only: replay folders are technicians' test material, and the bytes are never logged.
    this.log.warn({ file: basename(file), reason }, 'replay file skipped');
  }

  private finish(): void {
    this.stopTimer();
    this.stats.finished = 1;
    this.log.info({ frames: this.stats.frames }, 'replay finished (loop: false)');
  }

  private fail(reason: string): void {
    this.running = false;
    this.stopTimer();
    this.log.warn({ path: this.config.path }, 'replay has no readable image');
    this.emit('down', reason);
  }

  private stopTimer(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EIO';
}
