import { PLATE_ALPHABET, type GlyphAlphabet } from './plate-alphabet.js';

/**
 * Per-step probabilities of one text line over the plate alphabet: `steps` rows of
 * `alphabet.glyphs.length + 1` columns, column 0 being skip (blank, separators, non-plate
 * characters). Rows sum to 1 (up to the recogniser's float error).
 */
export interface CtcMatrix {
  readonly steps: number;
  readonly columns: number;
  readonly data: Float32Array;
  readonly alphabet: GlyphAlphabet;
  /**
   * Two rows read side by side as one line: 0 for steps over the top row, 1 over the bottom
   * row. Absent for a single line.
   */
  readonly rowOfStep?: Uint8Array;
}

/**
 * Folds a recogniser output [steps x classCount] into plate columns using `classToColumn`.
 * Only the few classes that map to a glyph are visited; skip takes the rest of each step's
 * mass (the softmax sums to 1), which avoids touching thousands of Chinese classes per step.
 */
export function reduceToPlateColumns(
  probs: Float32Array,
  steps: number,
  classCount: number,
  classToColumn: Int32Array,
  alphabet: GlyphAlphabet = PLATE_ALPHABET,
): CtcMatrix {
  const columns = alphabet.glyphs.length + 1;
  const data = new Float32Array(steps * columns);
  const glyphClasses: number[] = [];
  for (let c = 1; c < classCount; c++) if (classToColumn[c]! > 0) glyphClasses.push(c);
  for (let t = 0; t < steps; t++) {
    const src = t * classCount;
    const dst = t * columns;
    let glyphMass = 0;
    for (const c of glyphClasses) {
      const p = probs[src + c]!;
      data[dst + classToColumn[c]!]! += p;
      glyphMass += p;
    }
    data[dst] = Math.max(0, 1 - glyphMass);
  }
  return { steps, columns, data, alphabet };
}

/**
 * Builds a matrix from rows of {glyph: probability}; whatever a row leaves unassigned goes to
 * skip. Used by tests and by the scene generator's sanity checks, never by inference.
 */
export function matrixFromRows(rows: ReadonlyArray<Readonly<Record<string, number>>>, alphabet: GlyphAlphabet = PLATE_ALPHABET): CtcMatrix {
  const columns = alphabet.glyphs.length + 1;
  const data = new Float32Array(rows.length * columns);
  rows.forEach((row, t) => {
    let used = 0;
    for (const [glyph, p] of Object.entries(row)) {
      const col = alphabet.columnOf.get(glyph);
      if (col === undefined) throw new Error(`'${glyph}' is not a plate glyph`);
      data[t * columns + col] = p;
      used += p;
    }
    data[t * columns] = Math.max(0, 1 - used);
  });
  return { steps: rows.length, columns, data, alphabet };
}

/** Best-path reading with no grammar: argmax per step, collapse repeats, drop skip. */
export function greedyReading(m: CtcMatrix): { text: string; logProb: number } {
  let text = '';
  let prev = -1;
  let logProb = 0;
  for (let t = 0; t < m.steps; t++) {
    let best = 0;
    let bestP = -1;
    for (let c = 0; c < m.columns; c++) {
      const p = m.data[t * m.columns + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    logProb += Math.log(Math.max(bestP, 1e-30));
    if (best !== 0 && best !== prev) text += m.alphabet.glyphs[best - 1]!;
    prev = best;
  }
  return { text, logProb };
}
