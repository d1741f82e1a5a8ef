import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { applyAffine, scaleTranslate } from '../image/affine.js';
import type { RgbImage } from '../image/rgb-image.js';
import { toTensor, warpRgb, type TensorFormat } from '../image/warp.js';
import type { ModelSpec } from '../models/registry.js';
import { weightedNms } from './nms.js';
import type { FaceDetection, FaceDetector } from './types.js';

/**
 * YuNet (libfacedetection) with five landmarks, configured by path. Input size comes from the
 * spec (320x320 for yunet_n_320_320). Heads per stride 8/16/32: cls, obj, bbox, kps; score =
 * sqrt(cls * obj); box and landmarks are offsets in stride units from the cell's corner.
 */
export interface YuNetOptions {
  minScore: number;
  iouThreshold: number;
}

const STRIDES = [8, 16, 32] as const;

export class YuNetDetector implements FaceDetector {
  readonly name = 'yunet';
  private readonly format: TensorFormat;
  private readonly width: number;
  private readonly height: number;

  constructor(
    private readonly session: InferenceSession,
    spec: ModelSpec,
    private readonly opts: YuNetOptions,
  ) {
    const input = spec.inputs[0];
    if (!input) throw new Error('yunet spec has no input');
    const [, , h, w] = input.shape;
    if (typeof h !== 'number' || typeof w !== 'number') throw new Error('yunet spec needs a fixed input shape [1, 3, H, W]');
    this.format = input;
    this.width = w;
    this.height = h;
    for (const s of STRIDES) for (const head of ['cls', 'obj', 'bbox', 'kps']) {
      if (!session.outputNames.includes(`${head}_${s}`)) throw new Error(`yunet model lacks output ${head}_${s}`);
    }
  }

  async detect(img: RgbImage): Promise<FaceDetection[]> {
    const s = Math.max(img.width / this.width, img.height / this.height);
    // Letterbox at the top-left corner (as FaceDetectorYN pads), mapping input -> image.
    const toImage = scaleTranslate(s, s, 0, 0);
    const rgb = warpRgb(img, toImage, this.width, this.height);
    const input = new Tensor('float32', toTensor(rgb, this.width, this.height, this.format), [1, 3, this.height, this.width]);
    const out = await this.session.run({ [this.session.inputNames[0]!]: input });
    const found: FaceDetection[] = [];
    for (const stride of STRIDES) {
      const cls = out[`cls_${stride}`]!.data as Float32Array;
      const obj = out[`obj_${stride}`]!.data as Float32Array;
      const bbox = out[`bbox_${stride}`]!.data as Float32Array;
      const kps = out[`kps_${stride}`]!.data as Float32Array;
      const cols = Math.floor(this.width / stride);
      for (let i = 0; i < cls.length; i++) {
        const score = Math.sqrt(Math.min(1, Math.max(0, cls[i]!)) * Math.min(1, Math.max(0, obj[i]!)));
        if (score < this.opts.minScore) continue;
        const row = Math.floor(i / cols);
        const col = i % cols;
        const cx = (col + bbox[i * 4]!) * stride;
        const cy = (row + bbox[i * 4 + 1]!) * stride;
        const w = Math.exp(bbox[i * 4 + 2]!) * stride;
        const h = Math.exp(bbox[i * 4 + 3]!) * stride;
        const kp = (j: number) => applyAffine(toImage, { x: (col + kps[i * 10 + j * 2]!) * stride, y: (row + kps[i * 10 + j * 2 + 1]!) * stride });
        const tl = applyAffine(toImage, { x: cx - w / 2, y: cy - h / 2 });
        found.push({
          box: { x: tl.x, y: tl.y, width: w * s, height: h * s },
          score,
          landmarks: { rightEye: kp(0), leftEye: kp(1), nose: kp(2), rightMouth: kp(3), leftMouth: kp(4) },
          detector: this.name,
        });
      }
    }
    return weightedNms(found, this.opts.iouThreshold);
  }
}
