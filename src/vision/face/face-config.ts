import type { ModelSpec } from '../models/registry.js';
import type { AlignPoints } from './align.js';
import { DEFAULT_PAD, type PadOptions } from './pad.js';
import { DEFAULT_QUALITY, type QualityThresholds } from './quality.js';
import { DEFAULT_SELECTION, type SelectionOptions } from './selection.js';

export type EmbedderId = 'faceres' | 'faceres-deep' | 'mobileface';
export type DetectorKind = 'blazeface' | 'yunet';

export interface FaceConfig {
  detector: DetectorKind;
  /** Registry id of the detector model ('blazeface', or the id given to a configured YuNet). */
  detectorModel: string;
  detection: { minScore: number; iouThreshold: number; tiles: boolean };
  embedder: EmbedderId;
  align: { zoom: number; points: AlignPoints };
  /** THE operating threshold (cosine) for 1:1 and 1:N. */
  threshold: number;
  selection: SelectionOptions;
  quality: QualityThresholds;
  pad: PadOptions & { antispoof: boolean; liveness: boolean };
  /** Frames analysed per passage at most; the best-quality face is kept. */
  maxFramesPerPassage: number;
}

/**
 * Cosine thresholds measured with `lanectl eval faces ../shared/fixtures/faces` (development
 * split): the highest impostor score rounded UP to two decimals, so the threshold does not sit in
 * the 1e-4 gap between the last impostor and the next genuine score. Only faceres is the
 * recommended embedder; the others are listed so that switching the embedder does not silently
 * keep a threshold that means something else for another model.
 */
export const MEASURED_THRESHOLDS: Record<EmbedderId, number> = {
  faceres: 0.67,
  'faceres-deep': 0.77,
  mobileface: 0.45,
};

/** Measured best alignment per embedder (docs/vision.md, "Choices"). */
const ALIGN: Record<EmbedderId, FaceConfig['align']> = {
  faceres: { zoom: 0.85, points: 'eyes' },
  'faceres-deep': { zoom: 0.8, points: 'eyes' },
  mobileface: { zoom: 1, points: 'five' },
};

export const DEFAULT_FACE_CONFIG: FaceConfig = {
  detector: 'blazeface',
  detectorModel: 'blazeface',
  detection: { minScore: 0.5, iouThreshold: 0.3, tiles: false },
  embedder: 'faceres',
  align: ALIGN.faceres,
  threshold: MEASURED_THRESHOLDS.faceres,
  selection: DEFAULT_SELECTION,
  quality: DEFAULT_QUALITY,
  pad: { ...DEFAULT_PAD, antispoof: true, liveness: true },
  maxFramesPerPassage: 10,
};

export type FaceConfigInput = Partial<Omit<FaceConfig, 'detection' | 'align' | 'selection' | 'quality' | 'pad'>> & {
  detection?: Partial<FaceConfig['detection']>;
  align?: Partial<FaceConfig['align']>;
  selection?: Partial<SelectionOptions>;
  quality?: Partial<QualityThresholds>;
  pad?: Partial<FaceConfig['pad']>;
};

/** Fills a partial config; embedder-dependent defaults (threshold, alignment) follow the embedder. */
export function resolveFaceConfig(input: FaceConfigInput = {}): FaceConfig {
  const embedder = input.embedder ?? DEFAULT_FACE_CONFIG.embedder;
  const detector = input.detector ?? DEFAULT_FACE_CONFIG.detector;
  return {
    ...DEFAULT_FACE_CONFIG,
    ...input,
    detector,
    detectorModel: input.detectorModel ?? detector,
    embedder,
    threshold: input.threshold ?? MEASURED_THRESHOLDS[embedder],
    detection: { ...DEFAULT_FACE_CONFIG.detection, ...input.detection },
    align: { ...ALIGN[embedder], ...input.align },
    selection: { ...DEFAULT_SELECTION, ...input.selection },
    quality: { ...DEFAULT_QUALITY, ...input.quality },
    pad: { ...DEFAULT_FACE_CONFIG.pad, ...input.pad },
  };
}

/**
 * A YuNet model configured by path (e.g. ../shared/fixtures/models/yunet_n_320_320.onnx):
 * BGR, 0..255, NCHW, fixed input size. The sha256 is required: the registry refuses any other file.
 */
export function yunetSpec(path: string, sha256: string, id = 'yunet', size: readonly [number, number] = [320, 320]): ModelSpec {
  const [w, h] = size;
  const heads = [8, 16, 32].flatMap((s) => ['cls', 'obj', 'bbox', 'kps'].map((k) => ({ name: `${k}_${s}`, shape: [1, (w / s) * (h / s), k === 'bbox' ? 4 : k === 'kps' ? 10 : 1], meaning: `${k} head, stride ${s}` })));
  return {
    id,
    kind: 'onnx',
    file: path,
    sha256,
    licence: 'Apache-2.0 (ShiqiYu/libfacedetection.train)',
    source: { package: 'configured by path', version: 'n/a', upstream: 'ShiqiYu/libfacedetection.train YuNet' },
    inputs: [{ name: 'input', dtype: 'float32', shape: [1, 3, h, w], layout: 'NCHW', colour: 'BGR', size: [w, h], scale: 1, mean: [0, 0, 0], std: [1, 1, 1] }],
    outputs: heads,
  };
}
