import { existsSync } from 'node:fs';
import type { Clock, TimerHandle } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import type { CameraCounters, CameraDriver, CameraEvents, CameraFrame } from './camera.js';
import type { CameraConfig } from './camera.config.js';
import { buildFfmpegArgs, describeSource, redactFfmpegText } from './ffmpeg-args.js';
import { describeExit, openErrorFromExit } from './ffmpeg-open-error.js';
import { FfmpegProcess, type FfmpegExit } from './ffmpeg-process.js';
import { FrameRateMeter, LatestFrameGate } from './frame-delivery.js';
import { JpegStreamSplitter } from './jpeg-splitter.js';

export interface FfmpegCameraDeps {
  clock: Clock;
  log: Logger;
  /** Longest accepted JPEG; default 8 MiB. */
  maxFrameBytes?: number;
  /** SIGTERM-to-SIGKILL grace when stopping ffmpeg; default 1500 ms. */
  killGraceMs?: number;
}

/** stderr lines kept for reasons; the last one usually says what went wrong. */
const STDERR_LINES_KEPT = 8;

interface PendingOpen {
  proc: FfmpegProcess;
  resolve(): void;
  reject(err: Error): void;
}

/**
 * A camera read through one ffmpeg child process (RTSP over TCP, HTTP MJPEG or snapshots, V4L2, a video
 * file). open() starts ffmpeg and resolves on the first frame, so a wrong URL or a dead camera fails the
 * open with ffmpeg's reason. While running:
 * - stdout is split into JPEG frames and delivered latest-frame-only (LatestFrameGate);
 * - a watchdog ends ffmpeg when no frame came for `stallTimeoutMs` and reports `down`: a frozen camera
 *   (connection open, nothing sent) does not end ffmpeg by itself;
 * - ffmpeg exiting reports `down`. Restarting with backoff is the DeviceSupervisor's job.
 */
export class FfmpegCamera extends TypedEmitter<DriverEvents<CameraEvents>> implements CameraDriver {
  readonly kind = 'camera' as const;
  readonly name: string;
  /** USB cameras only: the supervisor watches the device link for unplugs. */
  readonly devicePath: string | undefined;
  private readonly config: CameraConfig;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly killGraceMs: number | undefined;
  private readonly source: string;
  private readonly splitter: JpegStreamSplitter;
  private readonly gate: LatestFrameGate;
  private readonly meter = new FrameRateMeter();
  private proc: FfmpegProcess | null = null;
  /** ffmpeg processes being stopped (by the watchdog or a failed open); close() waits for them. */
  private readonly stopping = new Set<Promise<void>>();
  private opening: PendingOpen | null = null;
  private watchdog: TimerHandle | null = null;
  /** Monotonic time of the current process's last frame (or its start): what the watchdog measures. */
  private lastProgressAt = 0;
  private lastFrameAt: number | null = null;
  private latest: CameraFrame | null = null;
  private seq = 0;
  private starts = 0;
  private stderr: string[] = [];
  private readonly stats = { frames: 0, stalls: 0, exits: 0, bytes: 0, ffmpegMessages: 0 };

  constructor(config: CameraConfig, deps: FfmpegCameraDeps) {
    super();
    this.config = config;
    this.name = config.name;
    this.devicePath = config.source.kind === 'v4l2' ? config.source.device : undefined;
    this.clock = deps.clock;
    this.log = deps.log;
    this.killGraceMs = deps.killGraceMs;
    this.source = describeSource(config.source);
    this.splitter = new JpegStreamSplitter(deps.maxFrameBytes !== undefined ? { maxFrameBytes: deps.maxFrameBytes } : {});
    this.gate = new LatestFrameGate(this.deliver);
  }

  async open(): Promise<void> {
    if (this.proc) await this.close();
    this.checkLocalPath();
    this.splitter.reset();
    this.stderr = [];
    const proc: FfmpegProcess = new FfmpegProcess({
      ffmpegPath: this.config.ffmpegPath,
      args: buildFfmpegArgs(this.config),
      clock: this.clock,
      ...(this.killGraceMs !== undefined ? { killGraceMs: this.killGraceMs } : {}),
      onStdout: (chunk) => this.onStdout(proc, chunk),
      onStderrLine: (line) => this.onStderrLine(proc, line),
      onExit: (exit) => this.onExit(proc, exit),
    });
    this.proc = proc;
    this.starts += 1;
    this.lastProgressAt = this.clock.monotonic();
    const firstFrame = new Promise<void>((resolve, reject) => {
      this.opening = { proc, resolve, reject };
    });
    const timeoutMs = this.config.connectTimeoutMs;
    const timer = this.clock.setTimeout(() => {
      this.failOpen(proc, new DeviceOpenError(this.name, 'ETIMEDOUT', `no frame within ${timeoutMs} ms`, this.source));
    }, timeoutMs);
    try {
      await firstFrame;
    } catch (err) {
      if (this.proc === proc) this.proc = null;
      await this.stopProcess(proc);
      throw err;
    } finally {
      timer.cancel();
      if (this.opening?.proc === proc) this.opening = null;
    }
    this.startWatchdog();
    this.log.info({ source: this.source, pid: proc.pid, fps: this.config.fps }, 'camera streaming');
    this.emit('up');
  }

  async close(): Promise<void> {
    this.stopWatchdog();
    this.gate.cancel();
    const proc = this.proc;
    this.proc = null;
    if (this.opening) this.failOpen(this.opening.proc, new DeviceOpenError(this.name, 'ECANCELED', 'closed while opening', this.source));
    if (proc) void this.stopProcess(proc);
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
    this.splitter.reset();
  }

  latestFrame(): CameraFrame | null {
    return this.latest;
  }

  counters(): CameraCounters {
    const now = this.clock.monotonic();
    const split = this.splitter.counters();
    return {
      frames: this.stats.frames,
      fps: this.meter.fps(now),
      lastFrameAgeMs: this.lastFrameAt === null ? -1 : Math.round(now - this.lastFrameAt),
      restarts: Math.max(0, this.starts - 1),
      droppedFrames: this.gate.dropped,
      garbageBytes: split.garbageBytes,
      corruptFrames: split.corruptFrames,
      oversizeFrames: split.oversizeFrames,
      stalls: this.stats.stalls,
      exits: this.stats.exits,
      bytes: this.stats.bytes,
      ffmpegMessages: this.stats.ffmpegMessages,
    };
  }

  /** Local inputs are checked first so a missing device gives ENOENT with its path, not ffmpeg's prose. */
  private checkLocalPath(): void {
    const src = this.config.source;
    const path = src.kind === 'v4l2' ? src.device : src.kind === 'file' ? src.path : null;
    if (path !== null && !existsSync(path)) {
      throw new DeviceOpenError(this.name, 'ENOENT', src.kind === 'v4l2' ? 'video device not found' : 'video file not found', path);
    }
  }

  private onStdout(proc: FfmpegProcess, chunk: Buffer): void {
    if (proc !== this.proc) return; // a process being stopped: its last bytes are not wanted
    this.stats.bytes += chunk.length;
    const images = this.splitter.push(chunk);
    for (const image of images) {
      const at = this.clock.monotonic();
      this.lastProgressAt = at;
      this.lastFrameAt = at;
      this.seq += 1;
      const frame: CameraFrame = { jpeg: image.jpeg, width: image.width, height: image.height, at: this.clock.now(), seq: this.seq };
      this.latest = frame;
      this.gate.offer(frame);
    }
    if (images.length > 0 && this.opening?.proc === proc) this.opening.resolve();
  }

  private readonly deliver = (frame: CameraFrame): void => {
    this.stats.frames += 1;
    this.meter.record(this.clock.monotonic());
    this.emit('frame', frame);
  };

  private onStderrLine(proc: FfmpegProcess, line: string): void {
    if (proc !== this.proc) return; // a process being stopped on purpose: its complaints are expected
    const clean = redactFfmpegText(line, this.config.source);
    this.stats.ffmpegMessages += 1;
    this.stderr.push(clean);
    if (this.stderr.length > STDERR_LINES_KEPT) this.stderr.shift();
    // Debug only: a damaged stream makes ffmpeg complain about every frame.
    this.log.debug({ ffmpeg: clean }, 'ffmpeg message');
  }

  private onExit(proc: FfmpegProcess, exit: FfmpegExit): void {
    if (this.opening?.proc === proc) {
      this.failOpen(proc, openErrorFromExit(this.name, this.config.ffmpegPath, this.source, exit, this.stderr));
      return;
    }
    if (proc !== this.proc) return; // stopped on purpose
    this.proc = null;
    this.stopWatchdog();
    this.stats.exits += 1;
    const reason = describeExit(exit, this.stderr);
    this.log.warn({ source: this.source, code: exit.code, signal: exit.signal, reason }, 'camera stream lost');
    this.emit('down', reason);
  }

  private failOpen(proc: FfmpegProcess, err: Error): void {
    if (this.opening?.proc !== proc) return;
    const { reject } = this.opening;
    this.opening = null;
    reject(err);
  }

  private startWatchdog(): void {
    this.stopWatchdog();
    const timeoutMs = this.config.stallTimeoutMs;
    // Check often enough that a stall is caught within about a quarter of the timeout.
    this.watchdog = this.clock.setInterval(this.checkStall, Math.max(100, Math.min(1_000, Math.floor(timeoutMs / 4))));
  }

  private stopWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = null;
  }

  private readonly checkStall = (): void => {
    const proc = this.proc;
    if (!proc) return;
    const silentMs = Math.round(this.clock.monotonic() - this.lastProgressAt);
    if (silentMs < this.config.stallTimeoutMs) return;
    this.proc = null;
    this.stopWatchdog();
    this.stats.stalls += 1;
    const reason = `watchdog: no frame for ${silentMs} ms (limit ${this.config.stallTimeoutMs} ms)`;
    this.log.warn({ source: this.source, silentMs }, 'camera frozen; stopping ffmpeg');
    void this.stopProcess(proc);
    this.emit('down', reason);
  };

  private stopProcess(proc: FfmpegProcess): Promise<void> {
    const done = proc.stop().finally(() => this.stopping.delete(done));
    this.stopping.add(done);
    return done;
  }
}
