import type { RgbImage } from '../image/rgb-image.js';
import type { FaceAnalysis, FacePipeline } from './face-pipeline.js';
import { combinePad, type PadFrameScores, type PadReport } from './pad.js';
import type { QualityReport } from './quality.js';
import type { FaceLandmarks } from './types.js';

/**
 * The face evidence of one passage, built from several frames: the best-quality face's template
 * (embedding only frames that beat the best so far, to save time), presentation-attack evidence
 * over the whole track, and the largest number of other faces seen (tailgating).
 */
export interface FacePassageResult {
  frames: number;
  framesWithFace: number;
  best: { template: Float32Array; quality: QualityReport; frame: number } | null;
  /** The most frequent reason frames had no usable face (for the operator), or null. */
  commonFailure: string | null;
  pad: PadReport;
  maxOtherFaces: number;
  framesWithOthers: number;
}

export class FacePassage {
  private frames = 0;
  private framesWithFace = 0;
  private best: FacePassageResult['best'] = null;
  private readonly failures = new Map<string, number>();
  private readonly padScores: PadFrameScores[] = [];
  private readonly track: FaceLandmarks[] = [];
  private maxOthers = 0;
  private framesWithOthers = 0;

  constructor(private readonly pipeline: FacePipeline) {}

  get full(): boolean {
    return this.frames >= this.pipeline.config.maxFramesPerPassage;
  }

  async addFrame(img: RgbImage): Promise<FaceAnalysis> {
    this.frames++;
    const a = await this.pipeline.analyse(img, { embed: 'never' });
    this.maxOthers = Math.max(this.maxOthers, a.others.length);
    if (a.others.length > 0) this.framesWithOthers++;
    if (a.failure) this.failures.set(a.failure, (this.failures.get(a.failure) ?? 0) + 1);
    if (!a.primary) return a;
    this.framesWithFace++;
    const { detection, quality } = a.primary;
    this.track.push(detection.landmarks);
    this.padScores.push(await this.pipeline.pad.score(img, detection));
    if (quality.pass && (!this.best || quality.score > this.best.quality.score)) {
      const template = await this.pipeline.embedder.embed(img, detection.landmarks);
      this.best = { template, quality, frame: this.frames - 1 };
      a.primary.template = template;
    }
    return a;
  }

  result(): FacePassageResult {
    let commonFailure: string | null = null;
    let most = 0;
    for (const [reason, n] of this.failures) if (n > most) [commonFailure, most] = [reason, n];
    return {
      frames: this.frames,
      framesWithFace: this.framesWithFace,
      best: this.best,
      commonFailure: this.best ? null : commonFailure,
      pad: combinePad(this.padScores, this.track, this.pipeline.config.pad),
      maxOtherFaces: this.maxOthers,
      framesWithOthers: this.framesWithOthers,
    };
  }
}
