import type { InferenceSession } from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { type Affine, applyAffine, scaleTranslate } from '../image/affine.js';
import type { RgbImage } from '../image/rgb-image.js';
import { toTensor, warpRgb, type TensorFormat } from '../image/warp.js';
import type { ModelSpec } from '../models/registry.js';
import { weightedNms } from './nms.js';
import type { FaceDetection, FaceDetector } from './types.js';

export interface BlazeFaceOptions {
  /** Candidates below this sigmoid score are dropped. */
  minScore: number;
  iouThreshold: number;
  /**
   * Also look at four overlapping half-size tiles: finds faces too small for the 256-pixel view
   * of a large frame. Detections cut by a tile border are discarded, not kept as "partial" faces.
   */
  tiles: boolean;
}

const SIZE = 256;
/** Anchor layout of the 256x256 BlazeFace "back" model: (stride, anchors per cell). */
const LAYERS: ReadonlyArray<readonly [number, number]> = [
  [16, 2],
  [32, 6],
];

function anchors(): Float32Array {
  const out: number[] = [];
  for (const [stride, perCell] of LAYERS) {
    const cells = SIZE / stride;
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let k = 0; k < perCell; k++) out.push((x + 0.5) * stride, (y + 0.5) * stride);
  }
  return Float32Array.from(out);
}

/** A square region of the image mapped onto the 256x256 input. */
interface View {
  /** input pixel -> image pixel */
  toImage: Affine;
  /** Region in image pixels; tile detections touching its inner edges are dropped. */
  tile: { x0: number; y0: number; x1: number; y1: number } | null;
}

export class BlazeFaceDetector implements FaceDetector {
  readonly name = 'blazeface';
  private readonly anchorXY = anchors();
  private readonly format: TensorFormat;

  constructor(
    private readonly session: InferenceSession,
    spec: ModelSpec,
    private readonly opts: BlazeFaceOptions,
  ) {
    const input = spec.inputs[0];
    if (!input) throw new Error('blazeface spec has no input');
    this.format = input;
  }

  async detect(img: RgbImage): Promise<FaceDetection[]> {
    const candidates: FaceDetection[] = [];
    for (const view of this.views(img)) candidates.push(...(await this.runView(img, view)));
    return weightedNms(candidates, this.opts.iouThreshold);
  }

  private views(img: RgbImage): View[] {
    const side = Math.max(img.width, img.height);
    const s = side / SIZE;
    // Letterbox: centre the image in a square, black around it.
    const whole: View = { toImage: scaleTranslate(s, s, (img.width - side) / 2, (img.height - side) / 2), tile: null };
    if (!this.opts.tiles) return [whole];
    const views = [whole];
    const t = Math.round(Math.min(img.width, img.height) * 0.6);
    for (const fy of [0, 1]) {
      for (const fx of [0, 1]) {
        const x0 = fx ? img.width - t : 0;
        const y0 = fy ? img.height - t : 0;
        views.push({ toImage: scaleTranslate(t / SIZE, t / SIZE, x0, y0), tile: { x0, y0, x1: x0 + t, y1: y0 + t } });
      }
    }
    return views;
  }

  private async runView(img: RgbImage, view: View): Promise<FaceDetection[]> {
    const rgb = warpRgb(img, view.toImage, SIZE, SIZE);
    const input = new Tensor('float32', toTensor(rgb, SIZE, SIZE, this.format), [1, 3, SIZE, SIZE]);
    const out = await this.session.run({ [this.session.inputNames[0]!]: input });
    const scores = [out.scores_16!.data as Float32Array, out.scores_8!.data as Float32Array];
    const boxes = [out.boxes_16!.data as Float32Array, out.boxes_8!.data as Float32Array];
    const found: FaceDetection[] = [];
    const logitMin = Math.log(this.opts.minScore / (1 - this.opts.minScore));
    let anchor = 0;
    for (let layer = 0; layer < 2; layer++) {
      const sc = scores[layer]!;
      const bx = boxes[layer]!;
      for (let i = 0; i < sc.length; i++, anchor++) {
        if (sc[i]! < logitMin) continue;
        const ax = this.anchorXY[anchor * 2]!;
        const ay = this.anchorXY[anchor * 2 + 1]!;
        const r = i * 16;
        const cx = ax + bx[r]!;
        const cy = ay + bx[r + 1]!;
        const w = bx[r + 2]!;
        const h = bx[r + 3]!;
        const kp = (k: number) => applyAffine(view.toImage, { x: ax + bx[r + 4 + k * 2]!, y: ay + bx[r + 5 + k * 2]! });
        const tl = applyAffine(view.toImage, { x: cx - w / 2, y: cy - h / 2 });
        const br = applyAffine(view.toImage, { x: cx + w / 2, y: cy + h / 2 });
        const box = { x: tl.x, y: tl.y, width: br.x - tl.x, height: br.y - tl.y };
        if (view.tile && cutByTile(box, view.tile, img)) continue;
        found.push({
          box,
          score: 1 / (1 + Math.exp(-sc[i]!)),
          landmarks: { rightEye: kp(0), leftEye: kp(1), nose: kp(2), mouth: kp(3) },
          detector: this.name,
        });
      }
    }
    return found;
  }
}

/** True when a box reaches an edge of the tile that is not also an edge of the image. */
function cutByTile(box: { x: number; y: number; width: number; height: number }, t: { x0: number; y0: number; x1: number; y1: number }, img: RgbImage): boolean {
  const m = 2;
  return (
    (box.x < t.x0 + m && t.x0 > 0) ||
    (box.y < t.y0 + m && t.y0 > 0) ||
    (box.x + box.width > t.x1 - m && t.x1 < img.width) ||
    (box.y + box.height > t.y1 - m && t.y1 < img.height)
  );
}

