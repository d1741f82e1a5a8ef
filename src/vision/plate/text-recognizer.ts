import type { InferenceSession } from 'onnxruntime-node';
import ort from 'onnxruntime-node';
import { reduceToPlateColumns, type CtcMatrix } from './ctc-matrix.js';
import { classToColumn } from './plate-alphabet.js';
import type { RgbImage } from '../image/rgb-image.js';
import { quadHeight, quadWidth, type Quad } from './quad.js';
import { warpQuad } from './quad-warp.js';

/**
 * PP-OCRv4 recogniser on one text line: the line is warped to 48 px high (width following its
 * aspect ratio), fed as BGR scaled to [-1, 1] the way PaddleOCR trained it, and the per-step
 * softmax is folded onto the plate alphabet.
 */
export const REC_HEIGHT = 48;
/** Gap between joined lines, as a share of the line height (about one character space). */
const JOIN_GAP = 0.5;

function meanColour(parts: readonly RgbImage[]): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (const p of parts) {
    for (let i = 0; i < p.data.length; i += 3) {
      sum[0]! += p.data[i]!;
      sum[1]! += p.data[i + 1]!;
      sum[2]! += p.data[i + 2]!;
    }
    n += p.data.length / 3;
  }
  return sum.map((v) => v / Math.max(n, 1));
}

export interface RawRecognition {
  probs: Float32Array;
  steps: number;
  classes: number;
  /** Joined two-row lines: the row (0 top, 1 bottom) under each step. */
  rowOfStep?: Uint8Array;
}

/**
 * How one reading of a line is fed to the recogniser. readCrop reads a line first with little
 * padding (fast) and, when that reading is ambiguous, again under a few such variants.
 */
export interface LineVariant {
  /** Pad the line (on the right) to at least this width; default the recogniser's minWidth. */
  minWidth?: number;
  /** Resample the line this much wider (> 1) or narrower (< 1) than its aspect ratio gives. */
  widthScale?: number;
}

export interface RecognizerOptions {
  /** Lines narrower than this are padded on the right, as PaddleOCR does (default 320: a
   * 94 px Chinese crop read unpadded lost 3 % exact matches on the fixtures). */
  minWidth?: number;
  /** Wider lines are squeezed to this width. */
  maxWidth?: number;
}

export class TextRecognizer {
  private map: Int32Array | undefined;
  private readonly minWidth: number;
  private readonly maxWidth: number;
  private readonly inputName: string;
  private readonly outputName: string;

  constructor(
    private readonly session: InferenceSession,
    private readonly keys: readonly string[],
    options: RecognizerOptions = {},
  ) {
    this.minWidth = options.minWidth ?? 320;
    this.maxWidth = options.maxWidth ?? 480;
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
  }

  /** Width in pixels the line is resampled to (before padding). */
  lineWidth(q: Quad, widthScale = 1): number {
    const aspect = quadWidth(q) / Math.max(quadHeight(q), 1);
    return Math.max(8, Math.min(this.maxWidth, Math.round(REC_HEIGHT * aspect * widthScale)));
  }

  /**
   * Normalised CHW tensor (BGR) of the lines `quads` of `image`, side by side with a gap of
   * plate background between them (a two-row plate read as one line), padded to minWidth.
   */
  lineTensor(image: RgbImage, quads: readonly Quad[], variant: LineVariant = {}): { data: Float32Array; width: number; rowBoundaryX?: number } {
    const parts = quads.map((q) => warpQuad(image, q, this.lineWidth(q, variant.widthScale), REC_HEIGHT));
    const gap = parts.length > 1 ? Math.round(REC_HEIGHT * JOIN_GAP) : 0;
    const used = parts.reduce((n, p) => n + p.width, 0) + gap * (parts.length - 1);
    const width = Math.max(used, variant.minWidth ?? this.minWidth);
    const plane = REC_HEIGHT * width;
    const data = new Float32Array(3 * plane);
    const fill = parts.length > 1 ? meanColour(parts) : [127.5, 127.5, 127.5];
    let x0 = 0;
    let rowBoundaryX: number | undefined;
    parts.forEach((line, i) => {
      if (i > 0) {
        rowBoundaryX ??= x0 + gap / 2;
        for (let y = 0; y < REC_HEIGHT; y++) {
          for (let x = x0; x < x0 + gap; x++) {
            const d = y * width + x;
            data[d] = fill[2]! / 127.5 - 1;
            data[plane + d] = fill[1]! / 127.5 - 1;
            data[2 * plane + d] = fill[0]! / 127.5 - 1;
          }
        }
        x0 += gap;
      }
      for (let y = 0; y < REC_HEIGHT; y++) {
        for (let x = 0; x < line.width; x++) {
          const s = (y * line.width + x) * 3;
          const d = y * width + x0 + x;
          data[d] = line.data[s + 2]! / 127.5 - 1; // B
          data[plane + d] = line.data[s + 1]! / 127.5 - 1; // G
          data[2 * plane + d] = line.data[s]! / 127.5 - 1; // R
        }
      }
      x0 += line.width;
    });
    return { data, width, ...(rowBoundaryX !== undefined ? { rowBoundaryX } : {}) };
  }

  /**
   * Runs the recogniser on the lines and hands its output [steps x classes] to `use` while
   * the native tensor is alive; the tensor is released right after, not at the next GC.
   */
  private async run<T extends object>(image: RgbImage, quads: readonly Quad[], variant: LineVariant, use: (probs: Float32Array, steps: number, classes: number) => T): Promise<T & { rowOfStep?: Uint8Array }> {
    const { data, width, rowBoundaryX } = this.lineTensor(image, quads, variant);
    const feeds = { [this.inputName]: new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, width]) };
    const out = await this.session.run(feeds);
    const tensor = out[this.outputName]!;
    const [, steps, classes] = tensor.dims as number[];
    let result: T;
    try {
      result = use(tensor.data as Float32Array, steps!, classes!);
    } finally {
      tensor.dispose();
    }
    if (rowBoundaryX === undefined) return result as T & { rowOfStep?: Uint8Array };
    // Step t covers input columns [t, t + 1) * width / steps; its centre decides its row.
    const rowOfStep = Uint8Array.from({ length: steps! }, (_, t) => (((t + 0.5) * width) / steps! >= rowBoundaryX ? 1 : 0));
    return { ...result, rowOfStep };
  }

  /** The recogniser's own output for one line: [steps x classes] softmax (copied out). */
  async recogniseRaw(image: RgbImage, quads: readonly Quad[], variant: LineVariant = {}): Promise<RawRecognition> {
    return this.run(image, quads, variant, (probs, steps, classes) => ({ probs: Float32Array.from(probs), steps, classes }));
  }

  /**
   * Per-step probabilities of the lines (read as one) folded onto the plate alphabet, straight
   * from the native output: the 6625-class softmax is never copied.
   */
  async recognise(image: RgbImage, quads: readonly Quad[], variant: LineVariant = {}): Promise<CtcMatrix> {
    return this.run(image, quads, variant, (probs, steps, classes) => {
      this.map ??= classToColumn(this.keys, classes);
      return reduceToPlateColumns(probs, steps, classes, this.map);
    });
  }

  /** Best-path text over the recogniser's whole dictionary (what plain PaddleOCR prints). */
  greedyText(raw: RawRecognition): string {
    let text = '';
    let prev = 0;
    for (let t = 0; t < raw.steps; t++) {
      let best = 0;
      let bestP = -1;
      for (let c = 0; c < raw.classes; c++) {
        const p = raw.probs[t * raw.classes + c]!;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      if (best !== 0 && best !== prev) text += this.keys[best - 1] ?? ' ';
      prev = best;
    }
    return text;
  }
}
