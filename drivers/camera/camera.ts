import type { DeviceDriver } from '../contract.js';

/**
 * What every camera driver (ffmpeg-backed RTSP/HTTP/V4L2/file cameras, the folder replay) emits. The lane
 * and the vision pipelines depend on this, never on a concrete camera.
 *
 * Frames are complete JPEG images. JPEG rather than raw RGB because: a 1080p RGB frame is ~6 MB, so 10 fps
 * would push ~60 MB/s through a pipe and Node buffers on a 2-core PC, against ~0.2-0.5 MB/s of JPEG;
 * evidence is stored as JPEG anyway; sharp decodes a JPEG straight to the model input size (shrink-on-load);
 * and the size comes with every frame (SOF header), so no output size has to be forced on ffmpeg.
 */
export interface CameraFrame {
  /** One complete JPEG image, SOI to EOI. Personal data (faces, plates): pass it on, never log it. */
  jpeg: Buffer;
  width: number;
  height: number;
  /** Epoch ms at which the frame was complete (taken off the pipe or read from disk). */
  at: number;
  /**
   * 1, 2, 3 ... over the driver's lifetime (restarts included), counting every frame the driver received,
   * also those dropped because a newer one arrived first: a gap in `seq` is a dropped frame.
   */
  seq: number;
}

export type CameraEvents = {
  frame: [frame: CameraFrame];
};

/**
 * Counters every camera reports (merged into the supervisor's health().counters). `fps` and
 * `lastFrameAgeMs` are gauges, the rest only grow.
 */
export interface CameraCounters {
  [name: string]: number;
  /** Frames delivered (emitted). */
  frames: number;
  /** Frames delivered per second over the last few seconds; 0 when none arrived lately. */
  fps: number;
  /** Milliseconds since the last delivered frame; -1 before the first one. */
  lastFrameAgeMs: number;
  /** Times the source was started again after its first start (supervisor reconnects, watchdog kills). */
  restarts: number;
  /** Frames replaced by a newer one before anyone saw them (latest-frame-only delivery). */
  droppedFrames: number;
  /** Bytes received that were not part of a delivered JPEG (noise, truncated or oversize frames). */
  garbageBytes: number;
}

export interface CameraDriver extends DeviceDriver<CameraEvents> {
  readonly kind: 'camera';
  /**
   * The newest frame, or null before the first one. Consumers that work asynchronously (inference on
   * worker threads) take this when they are free instead of queueing `frame` events: a slow consumer then
   * sees fresh frames, never a backlog.
   */
  latestFrame(): CameraFrame | null;
  counters(): CameraCounters;
}
