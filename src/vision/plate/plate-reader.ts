import type { PlateCountry } from '../../credentials/plates/plate-grammar.js';
import { decodeImage } from '../image/decode.js';
import { rgbFrame, type RgbImage } from '../image/rgb-image.js';
import { greedyReading, type CtcMatrix } from './ctc-matrix.js';
import { decodeLine, decodePlate, lineCandidates, type PlateCandidate, type PlateDecoding } from './plate-decode.js';
import { oneRowLayouts, twoRowLayouts } from './plate-layouts.js';
import type { PlateModels } from './plate-models.js';
import type { PlateRead } from './plate-read.js';
import { assemblePlates, type AssemblyOptions } from './line-assembly.js';
import { boundsIoU, mapQuad, quadHeight, quadWidth, rectQuad, squareToQuad, type Quad } from './quad.js';
import { shrinkForReading, warpQuad } from './quad-warp.js';
import { splitRows, TWO_ROW_MAX_ASPECT } from './row-split.js';
import { TextDetector, type TextDetectorOptions } from './text-detector.js';
import { REC_HEIGHT, TextRecognizer, type LineVariant, type RecognizerOptions } from './text-recognizer.js';
import { voteVariants } from './variant-vote.js';

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
  /** Crop reads: how the first, fast reading is fed (default FIRST_READ). */
  cropFirstRead?: LineVariant;
  /**
   * Crop reads: the first reading is final when the grammar accepts it with at least this
   * log-probability margin over the next valid reading and this confidence; otherwise the
   * lines are read again (ONE_ROW_VARIANTS, TWO_ROW_VARIANTS; readings voted, variant-vote.ts).
   * Defaults chosen on one half of the fixture crops and checked on the other (docs/vision-plates.md).
   */
  cropAcceptMargin?: number;
  cropAcceptConfidence?: number;
  /** Crop reads: never read more than the first reading (fastest, less accurate). */
  cropFirstReadOnly?: boolean;
}

/** A line variant for a second look: the recogniser input plus a vertical shift of every line. */
export interface CropVariant extends LineVariant {
  /** Move every line by this share of its height (negative: up). */
  shift?: number;
}

/**
 * Second looks at an ambiguous two-row crop, voted together: padded as PaddleOCR does (the
 * recogniser was trained on right-padded lines and reads better with the padding), nudged up
 * and down by 4 % of the line height (where our row finder cut the rows is itself uncertain),
 * and 10 % narrower or wider. Generic small perturbations, not chosen per file.
 */
export const TWO_ROW_VARIANTS: readonly CropVariant[] = [
  { minWidth: 320 },
  { minWidth: 320, shift: -0.04 },
  { minWidth: 320, shift: 0.04 },
  { minWidth: 320, widthScale: 0.9 },
  { minWidth: 320, widthScale: 1.1 },
];
/**
 * Second look at an ambiguous one-row crop: the padded line only. Voting the variants above
 * measured no better on one-row crops (the crop is the line; nothing was cut by us).
 */
export const ONE_ROW_VARIANTS: readonly CropVariant[] = [{ minWidth: 320 }];
/**
 * The first reading of a crop: unpadded and 20 % narrower than its aspect ratio gives (a
 * 94 x 24 Chinese crop becomes 150 px instead of PaddleOCR's 320). Its exact-match rate on the
 * fixtures is the same as unpadded at full width (488 / 502 CN, 52 / 54 VN) at about 80 % of
 * the recogniser time; what it gets wrong, the margin test below sends to a second look.
 */
export const FIRST_READ: LineVariant = { minWidth: 0, widthScale: 0.8 };
/** Chosen on one half of the fixture crops, checked on the other (docs/vision-plates.md). */
export const DEFAULT_CROP_ACCEPT_MARGIN = 4.5;
export const DEFAULT_CROP_ACCEPT_CONFIDENCE = 0.5;

function sameText(c: PlateCandidate | undefined, compact: string): boolean {
  return c !== undefined && c.chars.join('') === compact;
}

function shiftLine(q: Quad, share: number): Quad {
  const dy = share * quadHeight(q);
  return mapQuad(q, (p) => ({ x: p.x, y: p.y + dy }));
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

  /** Valid readings of `lines` read as one line (one row, or two rows side by side) under `variant`. */
  private async candidates(image: RgbImage, lines: readonly Quad[], variant: CropVariant, country: PlateCountry | undefined): Promise<{ list: PlateCandidate[]; unconstrained: string }> {
    const shifted = variant.shift ? lines.map((q) => shiftLine(q, variant.shift!)) : lines;
    const m = await this.recognizer.recognise(image, shifted, variant);
    const layouts = lines.length === 2 ? twoRowLayouts(country) : oneRowLayouts(country);
    return { list: lineCandidates(m, layouts, { beamWidth: this.options.beamWidth }), unconstrained: greedyReading(m).text };
  }

  /**
   * Reads a tight plate crop: finds whether it holds one row or two, recognises the rows (side
   * by side, one recogniser run) and decodes under the grammars. A first reading of the
   * unpadded, narrowed line (FIRST_READ) is kept when the grammar accepts it clearly; an
   * ambiguous one is read again padded (one row) or under TWO_ROW_VARIANTS, voted (two rows).
   * Undefined when nothing legible fits a plate grammar; throws ImageError for input that is
   * not a usable image.
   */
  async readCrop(input: ImageSource, country = this.options.country): Promise<PlateRead | undefined> {
    // Two rows need about 2 x 48 px of height; more only makes every warp sample more pixels.
    const original = await toRgb(input);
    const image = shrinkForReading(original, 2 * REC_HEIGHT);
    const split = splitRows(image);
    const quad = rectQuad(0, 0, original.width, original.height);
    const minConfidence = this.options.minCropConfidence ?? 1e-6;
    if (split.lines.length > 2 || (split.lines.length === 2 && this.options.joinRows === false)) {
      const read = await this.readLines(image, split.lines, quad, country);
      return read && read.confidence >= minConfidence ? read : undefined;
    }
    const first = await this.candidates(image, split.lines, this.options.cropFirstRead ?? FIRST_READ, country);
    let decoded = voteVariants([first.list]);
    const clear = decoded && decoded.margin >= (this.options.cropAcceptMargin ?? DEFAULT_CROP_ACCEPT_MARGIN) && decoded.confidence >= (this.options.cropAcceptConfidence ?? DEFAULT_CROP_ACCEPT_CONFIDENCE);
    let rereads = 0;
    if (!clear && !this.options.cropFirstReadOnly) {
      // The fast reading is left out of the vote: it is the one known to read worse. The
      // padded reading goes first; when it says what the fast one said, two readings at
      // different widths agree and the other variants are not run (17 of the 19 ambiguous
      // two-row fixture crops stop there, with the same exact matches as running them all).
      const variants = split.lines.length === 2 ? TWO_ROW_VARIANTS : ONE_ROW_VARIANTS;
      const lists: PlateCandidate[][] = [];
      for (const v of variants) {
        lists.push((await this.candidates(image, split.lines, v, country)).list);
        if (lists.length === 1 && decoded && sameText(lists[0]![0], decoded.compact)) break;
      }
      rereads = lists.length;
      decoded = voteVariants(lists);
    }
    if (!decoded || decoded.confidence < minConfidence) return undefined;
    return { ...decoded, unconstrained: first.unconstrained, quad, rereads };
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
