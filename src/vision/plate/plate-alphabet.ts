import { PLATE_GRAMMARS } from '../../credentials/plates/canonical-plate.js';
import { OCR_CONFUSION_GROUPS } from '../../credentials/plates/ocr-confusions.js';
import { splitPlateText } from '../../credentials/plates/plate-text.js';

/**
 * The characters a plate decoder scores: every character some plate grammar allows, plus the
 * OCR look-alikes the credentials module knows (I, O never appear on plates, yet the recogniser
 * reads them where a plate has 1 or 0). Column 0 of a reduced matrix is "skip": CTC blank,
 * separators and every other recogniser class, which a plate reading never emits.
 */
export interface GlyphAlphabet {
  /** glyphs[i] is column i + 1 of a reduced matrix. */
  readonly glyphs: readonly string[];
  readonly columnOf: ReadonlyMap<string, number>;
}

function buildAlphabet(): GlyphAlphabet {
  const set = new Set<string>();
  for (const g of PLATE_GRAMMARS) for (const slot of g.slots) for (const ch of slot) set.add(ch);
  for (const group of OCR_CONFUSION_GROUPS) for (const ch of group) set.add(ch);
  const glyphs = [...set].sort();
  const columnOf = new Map<string, number>();
  glyphs.forEach((g, i) => columnOf.set(g, i + 1));
  return { glyphs, columnOf };
}

export const PLATE_ALPHABET: GlyphAlphabet = buildAlphabet();

/**
 * Maps each recogniser class to a reduced column. Class 0 is the CTC blank, classes 1..keys
 * are dictionary lines, anything after (PaddleOCR appends a space class) is skip. A dictionary
 * entry counts for a glyph when it folds to it the way plate text is folded everywhere else
 * (width, case, Đ -> D), so a lower-case or full-width reading still votes for its plate glyph.
 */
export function classToColumn(keys: readonly string[], classCount: number, alphabet: GlyphAlphabet = PLATE_ALPHABET): Int32Array {
  const map = new Int32Array(classCount);
  for (let c = 1; c < classCount && c - 1 < keys.length; c++) {
    const folded = splitPlateText(keys[c - 1]!).compact;
    if ([...folded].length === 1) map[c] = alphabet.columnOf.get(folded) ?? 0;
  }
  return map;
}
