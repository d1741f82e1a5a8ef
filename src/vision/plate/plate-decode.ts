import { formatDisplay, slotsMatch, type PlateCountry, type PlateKind } from '../../credentials/plates/plate-grammar.js';
import type { CtcMatrix } from './ctc-matrix.js';
import { decodeWithTracks, type DecodedReading, type DecodeOptions } from './grammar-decoder.js';
import { oneRowLayouts, twoRowLayouts, type PlateLayout } from './plate-layouts.js';

/** A plate reading that a grammar accepts, with the evidence behind it. */
export interface PlateDecoding {
  compact: string;
  display: string;
  country: PlateCountry;
  kind: PlateKind;
  grammar: string;
  rows: 1 | 2;
  /** P(reading | recogniser output): product over rows of the CTC probability of the text. */
  confidence: number;
  logProb: number;
  /** One per character of `compact`. */
  charConfidences: number[];
  /** log P margin over the next best valid reading (Infinity when there is none). */
  margin: number;
}

export interface PlateDecodeOptions extends DecodeOptions {
  country?: PlateCountry;
}

/** One complete reading that a layout's grammar accepts, with its evidence. */
export interface PlateCandidate {
  layout: PlateLayout;
  chars: string[];
  logProb: number;
  conf: number[];
}
type Combined = PlateCandidate;

export function toDecoding(best: Combined, second: Combined | undefined): PlateDecoding {
  const compact = best.chars.join('');
  const g = best.layout.grammar;
  return {
    compact,
    display: formatDisplay(g, compact),
    country: g.country,
    kind: g.kind,
    grammar: g.id,
    rows: best.layout.rows,
    confidence: Math.exp(best.logProb),
    logProb: best.logProb,
    charConfidences: best.conf,
    margin: second ? best.logProb - second.logProb : Number.POSITIVE_INFINITY,
  };
}

/** Best two distinct valid readings (different text), best first. */
function topTwo(all: Combined[]): [Combined | undefined, Combined | undefined] {
  all.sort((a, b) => b.logProb - a.logProb);
  const best = all[0];
  const second = best ? all.find((c) => c.chars.join('') !== best.chars.join('')) : undefined;
  return [best, second];
}

/**
 * Decodes one matrix against whole-plate slot sequences: a one-row plate (`oneRowLayouts`) or
 * a two-row plate whose rows were recognised side by side as one line (`twoRowLayouts`).
 */
export function decodeLine(row: CtcMatrix, ls: readonly PlateLayout[], options: DecodeOptions = {}): PlateDecoding | undefined {
  const [best, second] = topTwo(lineCandidates(row, ls, options));
  return best ? toDecoding(best, second) : undefined;
}

/** Every complete reading of one matrix that a layout accepts (up to `nBest`), best first. */
export function lineCandidates(row: CtcMatrix, ls: readonly PlateLayout[], options: DecodeOptions = {}): PlateCandidate[] {
  if (ls.length === 0) return [];
  // Two-row layouts on a joined line carry their split so the row boundary is respected.
  const readings = decodeWithTracks(row, ls.map((l) => ({ slots: l.grammar.slots, ...(l.rows === 2 ? { split: l.split } : {}) })), options);
  const all: Combined[] = [];
  for (const r of readings) {
    for (const i of r.tracks) {
      const layout = ls[i]!;
      // Slots are checked during the search; whole-plate rules (province range, series lists) here.
      if (slotsMatch(layout.grammar, r.text)) {
        all.push({ layout, chars: r.chars, logProb: r.logProb, conf: r.charConfidences });
        break;
      }
    }
  }
  return all.sort((a, b) => b.logProb - a.logProb);
}

function decodeTwoRows(top: CtcMatrix, bottom: CtcMatrix, options: PlateDecodeOptions): PlateDecoding | undefined {
  const ls = twoRowLayouts(options.country);
  if (ls.length === 0) return undefined;
  const n = { ...options, nBest: options.nBest ?? 12 };
  const tops = decodeWithTracks(top, ls.map((l) => ({ slots: l.grammar.slots.slice(0, l.split) })), n);
  const bottoms = decodeWithTracks(bottom, ls.map((l) => ({ slots: l.grammar.slots.slice(l.split) })), n);
  const all: Combined[] = [];
  const tryPair = (a: DecodedReading, b: DecodedReading): void => {
    for (const i of a.tracks) {
      if (!b.tracks.includes(i)) continue;
      const layout = ls[i]!;
      const text = a.text + b.text;
      if (!slotsMatch(layout.grammar, text)) continue;
      all.push({ layout, chars: [...a.chars, ...b.chars], logProb: a.logProb + b.logProb, conf: [...a.charConfidences, ...b.charConfidences] });
      return;
    }
  };
  for (const a of tops) for (const b of bottoms) tryPair(a, b);
  const [best, second] = topTwo(all);
  return best ? toDecoding(best, second) : undefined;
}

/**
 * Decodes one plate from its text lines, top row first. One line: one-row layouts; two lines:
 * two-row layouts (each row searched with its own slots, pairs joined when one grammar
 * accepts both halves). Undefined when no grammar fits.
 */
export function decodePlate(rows: readonly CtcMatrix[], options: PlateDecodeOptions = {}): PlateDecoding | undefined {
  if (rows.length === 1) return decodeLine(rows[0]!, oneRowLayouts(options.country), options);
  if (rows.length === 2) return decodeTwoRows(rows[0]!, rows[1]!, options);
  return undefined;
}
