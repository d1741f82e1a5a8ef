/**
 * Camera frames -> the flow's face and plate evidence, with the existing pipelines
 * (src/vision/face, src/vision/plate). Models load lazily on first use; a missing or altered model
 * file becomes a clear reason (`face models unavailable: ...`) reported as a device fault of the
 * camera, never a crash. Frames, crops and templates stay in memory: nothing here logs them.
 */
import type { CameraDriver, CameraFrame } from '../../../drivers/camera/camera.js';
import type { FaceEvidence } from '../../decision/types.js';
import type { FaceCandidate } from '../../store/face/face-gallery.js';
import type { EnrolledMeta } from '../../store/face/face-index.js';
import type { Clock } from '../../util/clock.js';
import type { FacePipeline } from '../../vision/face/face-pipeline.js';
import type { PlateRead as VisionPlateRead } from '../../vision/plate/plate-read.js';
import type { ImageSource } from '../../vision/plate/plate-reader.js';
import { votePlates } from '../../vision/plate/frame-vote.js';
import type { FaceCapture, FacePort, ReaderPort } from './ports.js';

/** Waits for `count` distinct frames (by seq) from the camera's latest-frame slot, or until the deadline. */
export async function collectFrames(camera: Pick<CameraDriver, 'latestFrame'>, clock: Clock, count: number, timeoutMs: number): Promise<CameraFrame[]> {
  const frames: CameraFrame[] = [];
  const deadline = clock.monotonic() + timeoutMs;
  let lastSeq = -1;
  while (frames.length < count && clock.monotonic() < deadline) {
    const f = camera.latestFrame();
    if (f && f.seq !== lastSeq) {
      lastSeq = f.seq;
      frames.push(f);
      continue;
    }
    await new Promise<void>((r) => clock.setTimeout(r, 20));
  }
  return frames;
}

/** Loads once; a failure is kept as a one-line reason so every later call fails fast with it. */
export function lazy<T>(load: () => Promise<T>, what: string): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => {
    p ??= load().catch((err: unknown) => {
      throw new Error(`${what} unavailable: ${err instanceof Error ? err.message.slice(0, 160) : String(err)}`);
    });
    return p;
  };
}

export interface FaceCameraDeps {
  camera: Pick<CameraDriver, 'latestFrame'>;
  clock: Clock;
  pipeline: () => Promise<FacePipeline>;
  /** The store's 1:N search of enrolled templates (FaceIndex.searchEnrolled). */
  searchEnrolled(modelId: string, vector: Float32Array, opts: { k: number }): FaceCandidate<EnrolledMeta>[];
  decode(jpeg: ImageSource): Promise<Parameters<FacePipeline['analyse']>[0]>;
  /** How long one capture may wait for frames. Default 3 s. */
  captureTimeoutMs?: number;
}

export class FaceCameraPort implements FacePort {
  constructor(private readonly deps: FaceCameraDeps) {}

  async capture(frames: number): Promise<FaceCapture> {
    const pipeline = await this.deps.pipeline();
    const { FacePassage } = await import('../../vision/face/face-passage.js');
    const got = await collectFrames(this.deps.camera, this.deps.clock, frames, this.deps.captureTimeoutMs ?? 3_000);
    if (got.length === 0) throw new Error('face camera delivered no frame');
    const passage = new FacePassage(pipeline);
    for (const f of got) await passage.addFrame(await this.deps.decode(f.jpeg));
    const r = passage.result();
    if (!r.best) return { face: null, template: null };
    const modelId = pipeline.config.embedder;
    const face: FaceEvidence = {
      matchScore: null,
      modelId,
      quality: r.best.quality.score,
      // PAD score is "live" evidence (high = live); the engine wants attack probability.
      presentationAttackScore: r.pad.score === null ? 0.5 : Math.min(1, Math.max(0, 1 - r.pad.score)),
      presentationAttackReasons: r.pad.reasons.map(String),
      faceCount: 1 + r.maxOtherFaces,
    };
    return { face, template: { modelId, vector: r.best.template } };
  }

  /**
   * 1:1 against the subject's enrolled templates: the store indexes templates for 1:N search only,
   * so the subject's best score is taken from a wide search (k = 64); null when none is enrolled
   * for this model or the subject is not among the candidates (then the score is below any of them).
   */
  async compare(subjectId: string | null, template: { modelId: string; vector: Float32Array }): Promise<number | null> {
    if (subjectId === null) return null;
    const hits = this.deps.searchEnrolled(template.modelId, template.vector, { k: 64 });
    const own = hits.filter((h) => h.meta.subjectId === subjectId);
    if (own.length === 0) return hits.length === 0 ? null : Math.max(0, Math.min(1, hits[hits.length - 1]!.score));
    return Math.max(0, Math.min(1, Math.max(...own.map((h) => h.score))));
  }
}

export interface PlateCamerasDeps {
  cameras: ReadonlyArray<{ position: 'front' | 'rear'; camera: Pick<CameraDriver, 'latestFrame'> }>;
  clock: Clock;
  readFrame(jpeg: Uint8Array): Promise<VisionPlateRead[]>;
  /** Called with the voted reading of each camera (several times as more frames agree). */
  onPlate(position: 'front' | 'rear', read: { text: string; country: string; confidence: number }): void;
  onError(position: 'front' | 'rear', err: unknown): void;
  /** Frames read per camera in one window. Default 6. */
  maxFrames?: number;
}

/**
 * Reads plates while the flow's read window is open: each camera's newest frames go through the
 * plate reader, and after every frame the readings so far are voted (frame-vote.ts) and the winner
 * handed to the flow, which keeps the most confident per camera. Closing the window stops it.
 */
export class PlateCameras implements ReaderPort {
  private window = 0;

  constructor(private readonly deps: PlateCamerasDeps) {}

  openReadWindow(ms: number): void {
    const id = ++this.window;
    const until = this.deps.clock.monotonic() + ms;
    for (const c of this.deps.cameras) void this.readCamera(id, until, c.position, c.camera);
  }

  closeReadWindow(): void {
    this.window += 1;
  }

  private async readCamera(id: number, until: number, position: 'front' | 'rear', camera: Pick<CameraDriver, 'latestFrame'>): Promise<void> {
    const perFrame: (VisionPlateRead | undefined)[] = [];
    let lastSeq = -1;
    const max = this.deps.maxFrames ?? 6;
    try {
      while (this.window === id && perFrame.length < max && this.deps.clock.monotonic() < until) {
        const f = camera.latestFrame();
        if (!f || f.seq === lastSeq) {
          await new Promise<void>((r) => this.deps.clock.setTimeout(r, 20));
          continue;
        }
        lastSeq = f.seq;
        const reads = await this.deps.readFrame(f.jpeg);
        perFrame.push(reads.sort((a, b) => b.confidence - a.confidence)[0]);
        const voted = votePlates(perFrame);
        if (voted && this.window === id) this.deps.onPlate(position, { text: voted.compact, country: voted.country, confidence: Math.min(1, Math.max(0, voted.confidence)) });
      }
    } catch (err) {
      this.deps.onError(position, err);
    }
  }
}

/** Several read-window ports as one (scanners and plate cameras open and close together). */
export function readWindows(...ports: ReadonlyArray<ReaderPort | null | undefined>): ReaderPort {
  const all = ports.filter((p): p is ReaderPort => p !== null && p !== undefined);
  return {
    openReadWindow: (ms) => all.forEach((p) => p.openReadWindow(ms)),
    closeReadWindow: () => all.forEach((p) => p.closeReadWindow()),
  };
}
