import { PLATE_GRAMMARS } from '../../credentials/plates/canonical-plate.js';
import type { PlateCountry, PlateGrammar } from '../../credentials/plates/plate-grammar.js';

/**
 * How each grammar is laid out physically: on one row, or on two rows split after a fixed
 * number of characters. The grammars (credentials/plates) describe characters only; the split
 * is a property of the physical plate, so it lives here with the reader.
 *
 * Vietnam: square car plates print the province code and series on top (`30G` / `366.44`),
 * motorbikes the province code, series and registration digit (`59-X2` / `627.21`,
 * `72-L2` / `1703`); motorbikes never use one row. China (GA 36): rear plates of trucks,
 * buses and trailers print the province character and authority letter on top (`桂A` /
 * `12345`, `桂A` / `1234挂`).
 */
export interface PlateLayout {
  grammar: PlateGrammar;
  rows: 1 | 2;
  /** Characters on the top row (two-row layouts only). */
  split: number;
}

const TWO_ROW_SPLIT: Readonly<Record<string, number>> = {
  'vn-car-5': 3,
  'vn-car-4': 3,
  'vn-car-series2-5': 4,
  'vn-car-series2-4': 4,
  'vn-motorbike-5': 4,
  'vn-motorbike-4': 4,
  'vn-foreign': 5,
  'vn-military': 2,
};

function splitFor(g: PlateGrammar): number | undefined {
  if (g.country === 'CN') return 2;
  return TWO_ROW_SPLIT[g.id];
}

function allowsOneRow(g: PlateGrammar): boolean {
  return g.kind !== 'vn-motorbike';
}

function layouts(rows: 1 | 2, country: PlateCountry | undefined, grammars: readonly PlateGrammar[]): PlateLayout[] {
  const out: PlateLayout[] = [];
  for (const g of grammars) {
    if (country && g.country !== country) continue;
    if (rows === 1 && allowsOneRow(g)) out.push({ grammar: g, rows: 1, split: g.slots.length });
    const split = splitFor(g);
    if (rows === 2 && split !== undefined && split > 0 && split < g.slots.length) out.push({ grammar: g, rows: 2, split });
  }
  return out;
}

export function oneRowLayouts(country?: PlateCountry, grammars: readonly PlateGrammar[] = PLATE_GRAMMARS): PlateLayout[] {
  return layouts(1, country, grammars);
}

export function twoRowLayouts(country?: PlateCountry, grammars: readonly PlateGrammar[] = PLATE_GRAMMARS): PlateLayout[] {
  return layouts(2, country, grammars);
}
