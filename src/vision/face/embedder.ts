import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import type { RgbImage } from '../image/rgb-image.js';
import { toTensor, warpRgb, type TensorFormat } from '../image/warp.js';
import type { ModelSpec } from '../models/registry.js';
import { alignmentTransform, type AlignOptions } from './align.js';
import type { FaceLandmarks } from './types.js';

export interface AlignedFace {
  /** Interleaved RGB floats 0..255, `size` x `size`. */
  rgb: Float32Array;
  size: number;
}

/** A face embedder (faceres, faceres-deep, mobileface): aligned crop -> unit-length vector. */
export class FaceEmbedder {
  readonly size: number;
  private readonly format: TensorFormat;
  private readonly outputName: string;

  constructor(
    readonly id: string,
    private readonly session: InferenceSession,
    spec: ModelSpec,
    private readonly align: Omit<AlignOptions, 'size'>,
    /** Run at another square size than the manifest's (only for models declared with symbolic H/W). */
    inputSize?: number,
  ) {
    const input = spec.inputs[0];
    const output = spec.outputs[0];
    if (!input?.size || !output) throw new Error(`embedder ${id}: manifest entry needs a fixed input size and an output`);
    if (inputSize !== undefined && inputSize !== input.size[0] && typeof input.shape[2] === 'number') {
      throw new Error(`embedder ${id}: the model has a fixed ${input.size[0]}x${input.size[1]} input`);
    }
    this.size = inputSize ?? input.size[0];
    this.format = input;
    this.outputName = output.name;
  }

  alignFace(img: RgbImage, lm: FaceLandmarks): AlignedFace {
    const m = alignmentTransform(lm, { ...this.align, size: this.size });
    return { rgb: warpRgb(img, m, this.size, this.size), size: this.size };
  }

  async embedAligned(face: AlignedFace): Promise<Float32Array> {
    const input = new Tensor('float32', toTensor(face.rgb, face.size, face.size, this.format), [1, 3, face.size, face.size]);
    const out = await this.session.run({ [this.session.inputNames[0]!]: input });
    return l2normalise(out[this.outputName]!.data as Float32Array);
  }

  async embed(img: RgbImage, lm: FaceLandmarks): Promise<Float32Array> {
    return this.embedAligned(this.alignFace(img, lm));
  }
}

export function l2normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (let k = 0; k < v.length; k++) n += v[k]! * v[k]!;
  n = Math.sqrt(n);
  const out = new Float32Array(v.length);
  if (n === 0 || !Number.isFinite(n)) return out;
  for (let k = 0; k < v.length; k++) out[k] = v[k]! / n;
  return out;
}

/** Cosine similarity of two unit vectors (-1..1). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`template lengths differ (${a.length} vs ${b.length}): compare templates made by the same embedder`);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}
