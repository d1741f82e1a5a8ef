import { splitPlateText } from '../../credentials/plates/plate-text.js';
import type { RgbImage } from '../image/rgb-image.js';
import type { PlateModels } from './plate-models.js';
import { rectQuad } from './quad.js';
import { TextDetector } from './text-detector.js';
import { TextRecognizer } from './text-recognizer.js';

/**
 * The baseline the plate reader must beat, measured in the same run: plain PaddleOCR usage.
 * Lines padded to 320 px as PaddleOCR does, best path over the whole dictionary, no grammar;
 * a two-row crop is cut at half height. The row count is handed in (the eval gives it the
 * label's), so the baseline never loses a plate to a wrong row count: the comparison is
 * conservative for our reader, which has to find the rows itself.
 */
export class NaivePlateReader {
  private readonly recognizer: TextRecognizer;
  private readonly detector: TextDetector;

  constructor(models: PlateModels) {
    this.recognizer = new TextRecognizer(models.rec, models.keys, { minWidth: 320 });
    // PaddleOCR's default: long side limited to 960.
    this.detector = new TextDetector(models.det, { maxSide: 960 });
  }

  /**
   * Plain PaddleOCR on a whole frame: detect at its default size, read every text box,
   * return each box's compact text. No row assembly, no grammar.
   */
  async readFrame(image: RgbImage): Promise<string[]> {
    const out: string[] = [];
    for (const box of await this.detector.detect(image)) {
      const text = splitPlateText(this.recognizer.greedyText(await this.recognizer.recogniseRaw(image, [box.quad]))).compact;
      if (text) out.push(text);
    }
    return out;
  }

  /** Compact text (letters, digits, plate CJK) of the crop read as `rows` rows. */
  async read(image: RgbImage, rows: 1 | 2): Promise<string> {
    const half = Math.floor(image.height / 2);
    const lines = rows === 1 ? [rectQuad(0, 0, image.width, image.height)] : [rectQuad(0, 0, image.width, half), rectQuad(0, half, image.width, image.height - half)];
    let text = '';
    for (const line of lines) text += this.recognizer.greedyText(await this.recognizer.recogniseRaw(image, [line]));
    return splitPlateText(text).compact;
  }
}
