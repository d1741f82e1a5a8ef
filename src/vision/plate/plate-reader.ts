import type { PlateCountry } from '../../credentials/plates/plate-grammar.js';
import { decodeImage } from '../image/decode.js';
import { rgbFrame, type RgbImage } from '../image/rgb-image.js';
import { greedyReading, type CtcMatrix } from './ctc-matrix.js';
import { decodeLine, decodePlate, type PlateDecoding } from './plate-decode.js';
import { twoRowLayouts } from './plate-layouts.js';
import type { PlateModels } from './plate-models.js';
import type { PlateRead } from './plate-read.js';
import { rectQuad, type Quad } from './quad.js';
import { splitRows } from './row-split.js';
import { TextRecognizer, type RecognizerOptions } from './text-recognizer.js';

export interface PlateReaderOptions {
  /** Only this country's grammars (default: Vietnamese and Chinese). */
  country?: PlateCountry;
  recognizer?: RecognizerOptions;
  /** Read the two rows of a plate side by side as one line (default true). */
  joinRows?: boolean;
  /** Prefixes kept by the grammar-constrained search. */
  beamWidth?: number;
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
 * Reads licence plates: from a tight crop (`readCrop`) or, with the text detector, from a whole
 * vehicle frame (`readFrame`, in plate-frame-reader.ts). Each plate's lines are recognised
 * separately and decoded together under the plate grammars.
 */
export class PlateReader {
  readonly recognizer: TextRecognizer;

  constructor(
    readonly models: PlateModels,
    readonly options: PlateReaderOptions = {},
  ) {
    this.recognizer = new TextRecognizer(models.rec, models.keys, options.recognizer);
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
    const image = await toRgb(input);
    const whole = rectQuad(0, 0, image.width, image.height);
    const split = splitRows(image);
    return this.readLines(image, split.lines, whole, country);
  }
}
