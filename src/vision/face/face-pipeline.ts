import type { RgbImage } from '../image/rgb-image.js';
import type { ModelRegistry } from '../models/registry.js';
import { BlazeFaceDetector } from './blazeface-detector.js';
import { searchWatchlist, verify, type VerifyResult, type WatchlistEntry, type WatchlistHit } from './compare.js';
import { FaceEmbedder } from './embedder.js';
import type { FaceConfig } from './face-config.js';
import { PadScorer } from './pad.js';
import { assessQuality, type QualityReason, type QualityReport } from './quality.js';
import { selectFace } from './selection.js';
import type { FaceDetection, FaceDetector } from './types.js';
import { YuNetDetector } from './yunet-detector.js';

/**
 * Detect -> select the traveller's face -> quality gates -> align -> embed. One instance per
 * lane; it holds ONNX sessions from the registry (which verified their sha256). Loading fails
 * with the registry's ModelError (its message names the fix); the caller keeps the lane alive
 * in a degraded state without face recognition.
 */
export interface FaceAnalysis {
  /** Faces the detector found (before selection). */
  detections: number;
  primary: { detection: FaceDetection; quality: QualityReport; template: Float32Array | null } | null;
  /** Other faces near the camera: a tailgating signal. */
  others: FaceDetection[];
  /** Why no usable template came out of this frame, or null. */
  failure: 'no_face' | QualityReason | null;
  timingsMs: { detect: number; quality: number; embed: number };
}

export type EnrolResult =
  | { ok: true; template: Float32Array; quality: QualityReport; others: number }
  | { ok: false; reason: 'no_face' | QualityReason; quality: QualityReport | null };

export interface AnalyseOptions {
  /** 'if_quality' (default) embeds only a face that passed the gates; 'always' embeds any primary face. */
  embed?: 'always' | 'if_quality' | 'never';
}

export class FacePipeline {
  private constructor(
    readonly config: FaceConfig,
    private readonly detector: FaceDetector,
    readonly embedder: FaceEmbedder,
    readonly pad: PadScorer,
  ) {}

  static async load(registry: ModelRegistry, config: FaceConfig): Promise<FacePipeline> {
    const detSession = await registry.session(config.detectorModel);
    const detSpec = registry.spec(config.detectorModel);
    const detector: FaceDetector =
      config.detector === 'yunet'
        ? new YuNetDetector(detSession, detSpec, { minScore: config.detection.minScore, iouThreshold: config.detection.iouThreshold })
        : new BlazeFaceDetector(detSession, detSpec, config.detection);
    const embedder = new FaceEmbedder(config.embedder, await registry.session(config.embedder), registry.spec(config.embedder), config.align);
    const model = async (id: string, on: boolean) => (on ? { session: await registry.session(id), spec: registry.spec(id) } : null);
    const pad = new PadScorer(await model('antispoof', config.pad.antispoof), await model('liveness', config.pad.liveness));
    return new FacePipeline(config, detector, embedder, pad);
  }

  async detect(img: RgbImage): Promise<FaceDetection[]> {
    return this.detector.detect(img);
  }

  async analyse(img: RgbImage, opts: AnalyseOptions = {}): Promise<FaceAnalysis> {
    const mode = opts.embed ?? 'if_quality';
    const t0 = performance.now();
    const detections = await this.detector.detect(img);
    const t1 = performance.now();
    const { primary, others } = selectFace(img, detections, this.config.selection);
    if (!primary) return { detections: detections.length, primary: null, others: [], failure: 'no_face', timingsMs: { detect: t1 - t0, quality: 0, embed: 0 } };
    const quality = assessQuality(img, primary, this.config.quality);
    const t2 = performance.now();
    const wantEmbed = mode === 'always' || (mode === 'if_quality' && quality.pass);
    const template = wantEmbed ? await this.embedder.embed(img, primary.landmarks) : null;
    const t3 = performance.now();
    return {
      detections: detections.length,
      primary: { detection: primary, quality, template },
      others,
      failure: quality.pass ? null : quality.failures[0]!,
      timingsMs: { detect: t1 - t0, quality: t2 - t1, embed: t3 - t2 },
    };
  }

  /** Enrolment from one image: a template only when the face passes every quality gate. */
  async enrol(img: RgbImage): Promise<EnrolResult> {
    const a = await this.analyse(img);
    if (!a.primary) return { ok: false, reason: 'no_face', quality: null };
    if (!a.primary.template) return { ok: false, reason: a.failure ?? 'no_face', quality: a.primary.quality };
    return { ok: true, template: a.primary.template, quality: a.primary.quality, others: a.others.length };
  }

  verify(probe: Float32Array, enrolled: Float32Array): VerifyResult {
    return verify(probe, enrolled, this.config.threshold);
  }

  search(probe: Float32Array, watchlist: Iterable<WatchlistEntry>, topK = 5): WatchlistHit[] {
    return searchWatchlist(probe, watchlist, this.config.threshold, topK);
  }
}
