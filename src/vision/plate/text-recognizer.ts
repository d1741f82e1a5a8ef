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

export interface RawRecognition {
  probs: Float32Array;
  steps: number;
  classes: number;
}

export interface RecognizerOptions {
  /** Lines narrower than this are padded on the right (PaddleOCR pads to 320). */
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
    this.minWidth = options.minWidth ?? 160;
    this.maxWidth = options.maxWidth ?? 480;
    this.inputName = session.inputNames[0]!;
    this.outputName = session.outputNames[0]!;
  }

  /** Width in pixels the line is resampled to (before padding). */
  lineWidth(q: Quad): number {
    const aspect = quadWidth(q) / Math.max(quadHeight(q), 1);
    return Math.max(8, Math.min(this.maxWidth, Math.round(REC_HEIGHT * aspect)));
  }

  /** Normalised CHW tensor (BGR) of the line `q` of `image`, padded to at least minWidth. */
  lineTensor(image: RgbImage, q: Quad): { data: Float32Array; width: number } {
    const w = this.lineWidth(q);
    const line = warpQuad(image, q, w, REC_HEIGHT);
    const width = Math.max(w, this.minWidth);
    const plane = REC_HEIGHT * width;
    const data = new Float32Array(3 * plane);
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < w; x++) {
        const s = (y * w + x) * 3;
        const d = y * width + x;
        data[d] = line.data[s + 2]! / 127.5 - 1; // B
        data[plane + d] = line.data[s + 1]! / 127.5 - 1; // G
        data[2 * plane + d] = line.data[s]! / 127.5 - 1; // R
      }
    }
    return { data, width };
  }

  /** The recogniser's own output for one line: [steps x classes] softmax. */
  async recogniseRaw(image: RgbImage, q: Quad): Promise<RawRecognition> {
    const { data, width } = this.lineTensor(image, q);
    const feeds = { [this.inputName]: new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, width]) };
    const out = await this.session.run(feeds);
    const tensor = out[this.outputName]!;
    const [, steps, classes] = tensor.dims as number[];
    // Copied out so the native tensor can be released now rather than at the next GC.
    const probs = Float32Array.from(tensor.data as Float32Array);
    tensor.dispose();
    return { probs, steps: steps!, classes: classes! };
  }

  /** Per-step probabilities of one line folded onto the plate alphabet. */
  async recognise(image: RgbImage, q: Quad): Promise<CtcMatrix> {
    const raw = await this.recogniseRaw(image, q);
    this.map ??= classToColumn(this.keys, raw.classes);
    return reduceToPlateColumns(raw.probs, raw.steps, raw.classes, this.map);
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
