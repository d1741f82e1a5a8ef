import type { PlateCountry } from '../../credentials/plates/plate-grammar.js';
import { decodeImage } from '../image/decode.js';
import { rgbFrame, type RgbImage } from '../image/rgb-image.js';
import { greedyReading, type CtcMatrix } from './ctc-matrix.js';
import { decodeLine, decodePlate, type PlateDecoding } from './plate-decode.js';
import { twoRowLayouts } from './plate-layouts.js';
import type { PlateModels } from './plate-models.js';
import type { PlateRead } from './plate-read.js';
import { assemblePlates, type AssemblyOptions } from './line-assembly.js';
import { boundsIoU, mapQuad, quadHeight, quadWidth, rectQuad, squareToQuad, type Quad } from './quad.js';
import { shrinkForReading, warpQuad } from './quad-warp.js';
import { splitRows, TWO_ROW_MAX_ASPECT } from './row-split.js';
import { TextDetector, type TextDetectorOptions } from './text-detector.js';
import { REC_HEIGHT, TextRecognizer, type RecognizerOptions } from './text-recognizer.js';

export interface PlateReaderOptions {
  detector?: TextDetectorOptions;
  assembly?: AssemblyOptions;
  /** Frame reads below this confidence are dropped as non-plate text (default 0.3). */
  minFrameConfidence?: number;
  /**
   * readFrame stops after this many plates (default 1: a lane camera frames one vehicle, and
   * candidates are read largest first, so the nearest plate comes first and the recogniser
   * is not run on the brand and sticker text behind it). Raise it for overview cameras.
   */
  maxPlates?: number;
  /**
   * Crop reads below this are dropped (default 1e-6): the grammar can always place characters
   * somewhere, and on a blank crop it does so at P ~ 1e-16. A faint character the grammar
   * completes still passes (P ~ 1e-3) and shows in `confidence` and `charConfidences`.
   */
  minCropConfidence?: number;
  /** Only this country's grammars (default: Vietnamese and Chinese). */
  country?: PlateCountry;
  recognizer?: RecognizerOptions;
  /** Read the two rows of a plate side by side as one line (default true). */
  joinRows?: boolean;
  /** Prefixes kept by the grammar-constrained search. */
  beamWidth?: number;
}

/** Text lines taller than this share of the frame height are not plate text. */
const MAX_LINE_SHARE = 0.15;

export interface FrameRead {
  plates: PlateRead[];
  /** Text lines the detector found. */
  textBoxes: number;
  /** Outlines of the plate candidates assembled from them, and the lines of two-row ones. */
  candidates: Quad[];
  /** Decode + detection time, and the whole call. */
  detectMs: number;
  totalMs: number;
}

export type ImageSource = Uint8Array | RgbImage;

function isRgb(x: ImageSource): x is RgbImage {
  return !(x instanceof Uint8Array);
}

/** Encoded bytes are decoded; a raw frame is checked (size, byte count) the same way. */
export async function toRgb(input: ImageSource): Promise<RgbImage> {
  return isRgb(input) ? rgbFrame(input.width, input.height, input.data) : decodeImage(input);
}

/**
 * Reads licence plates from a tight crop (`readCrop`) or a whole vehicle frame (`readFrame`:
 * text detector, line assembly, then the same reading per candidate). A two-row plate's rows
 * are read side by side as one line (one recogniser run, and the recogniser reads a row better
 * with the other row as context) and decoded under the plate grammars.
 */
export class PlateReader {
  readonly recognizer: TextRecognizer;
  readonly detector: TextDetector;

  constructor(
    readonly models: PlateModels,
    readonly options: PlateReaderOptions = {},
  ) {
    this.recognizer = new TextRecognizer(models.rec, models.keys, options.recognizer);
    this.detector = new TextDetector(models.det, options.detector);
  }

  /** Recognises the given lines of `image` (top row first) and decodes them as one plate. */
  async readLines(image: RgbImage, lines: readonly Quad[], plateQuad: Quad, country = this.options.country): Promise<PlateRead | undefined> {
    let matrices: CtcMatrix[];
    let decoded: PlateDecoding | undefined;
    if (lines.length === 2 && this.options.joinRows !== false) {
      const m = await this.recognizer.recognise(image, lines);
      matrices = [m];
      decoded = decodeLine(m, twoRowLayouts(country), { beamWidth: this.options.beamWidth });
    } else {
      matrices = [];
      for (const line of lines) matrices.push(await this.recognizer.recognise(image, [line]));
      decoded = decodePlate(matrices, { country, beamWidth: this.options.beamWidth });
    }
    if (!decoded) return undefined;
    return { ...decoded, unconstrained: matrices.map((m) => greedyReading(m).text).join(' '), quad: plateQuad };
  }

  /**
   * Reads a tight plate crop: finds whether it holds one row or two, recognises each row and
   * decodes under the grammars. Undefined when nothing legible fits a plate grammar; throws
   * ImageError for input that is not a usable image.
   */
  async readCrop(input: ImageSource, country = this.options.country): Promise<PlateRead | undefined> {
    // Two rows need about 2 x 48 px of height; more only makes every warp sample more pixels.
    const original = await toRgb(input);
    const image = shrinkForReading(original, 2 * REC_HEIGHT);
    const split = splitRows(image);
    const read = await this.readLines(image, split.lines, rectQuad(0, 0, original.width, original.height), country);
    return read && read.confidence >= (this.options.minCropConfidence ?? 1e-6) ? read : undefined;
  }

  /**
   * The detector may return a two-row plate as one box when its rows sit close: a single
   * square-ish line is rectified and split like a crop, and its rows mapped back to the frame.
   */
  rowsOf(image: RgbImage, lines: Quad[]): Quad[] {
    if (lines.length !== 1) return lines;
    const q = lines[0]!;
    const w = quadWidth(q);
    const h = quadHeight(q);
    if (w / h >= TWO_ROW_MAX_ASPECT) return lines;
    const scale = Math.min(1, (2 * REC_HEIGHT) / h);
    const rw = Math.max(8, Math.round(w * scale));
    const rh = Math.max(8, Math.round(h * scale));
    const split = splitRows(warpQuad(image, q, rw, rh));
    if (split.rows !== 2) return lines;
    const toFrame = squareToQuad(q);
    return split.lines.map((row) => mapQuad(row, (p) => toFrame(p.x / rw, p.y / rh)));
  }

  /**
   * Finds and reads the plates in a vehicle frame (up to maxPlates, largest candidates first),
   * most confident first. Text that fits no plate grammar, or fits one only with a low
   * probability, is not reported.
   */
  async readFrame(input: ImageSource, country = this.options.country): Promise<FrameRead> {
    const started = performance.now();
    const image = await toRgb(input);
    const boxes = await this.detector.detect(image);
    const detectedAt = performance.now();
    // A plate text line is a small part of a lane frame: taller regions are vehicle parts.
    const candidates = assemblePlates(boxes, { maxLineHeight: image.height * MAX_LINE_SHARE, ...this.options.assembly });
    const minConfidence = this.options.minFrameConfidence ?? 0.3;
    const plates: PlateRead[] = [];
    const keep = (read: PlateRead | undefined): boolean => {
      if (!read || read.confidence < minConfidence || plates.some((p) => boundsIoU(p.quad, read.quad) > 0.3)) return false;
      plates.push(read);
      return true;
    };
    const maxPlates = this.options.maxPlates ?? 1;
    for (const c of candidates) {
      if (plates.length >= maxPlates) break;
      if (keep(await this.readLines(image, this.rowsOf(image, c.lines), c.quad, country))) continue;
      // A wrong pairing (two one-row plates, a plate under a sticker line) gets a second
      // chance line by line.
      if (c.lines.length === 2) for (const line of c.lines) if (plates.length < maxPlates) keep(await this.readLines(image, [line], line, country));
    }
    plates.sort((a, b) => b.confidence - a.confidence);
    return { plates, textBoxes: boxes.length, candidates: candidates.flatMap((c) => (c.lines.length === 2 ? [c.quad, ...c.lines] : [c.quad])), detectMs: detectedAt - started, totalMs: performance.now() - started };
  }
}
