import type { PlateCountry, PlateKind } from '../../credentials/plates/plate-grammar.js';
import type { Quad } from './quad.js';

/**
 * What the plate pipeline reports for one plate. Plate text identifies a vehicle and its
 * keeper: hand it to the decision engine and the journal, never to a log line.
 */
export interface PlateRead {
  /** Letters, digits and Chinese characters only: `51A77529`, `皖AQK728`. */
  compact: string;
  /** Printed form: `51A-775.29`, `59-X2 627.21`, `皖A·QK728`. */
  display: string;
  country: PlateCountry;
  kind: PlateKind;
  /** Grammar id from credentials/plates, e.g. `vn-motorbike-5`. */
  grammar: string;
  rows: 1 | 2;
  /** Probability the recogniser gives to exactly this text (all alignments, all rows). */
  confidence: number;
  /** Per character of `compact`, same order. */
  charConfidences: number[];
  /** Log-probability margin over the next valid reading; small means ambiguous. */
  margin: number;
  /** Best-path reading without grammar, rows joined by a space (diagnostics, eval). */
  unconstrained: string;
  /** Crop reads: how many extra recogniser runs (test-time variants) the reading took. */
  rereads?: number;
  /** Where the plate is in the frame (frame reads) or the crop (crop reads). */
  quad: Quad;
}
