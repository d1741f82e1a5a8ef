/**
 * A plate grammar is a fixed sequence of character slots plus a display template, so matching,
 * OCR repair and formatting all walk the same description. `#` in the template stands for the
 * next character of the compact form; anything else is printed literally.
 */
export type PlateCountry = 'VN' | 'CN';
export type PlateKind =
  | 'vn-car'
  | 'vn-motorbike'
  | 'vn-diplomatic'
  | 'vn-military'
  | 'cn-standard'
  | 'cn-new-energy'
  | 'cn-special';

export interface PlateGrammar {
  /** Stable name, e.g. `vn-car-5`, reported with the result. */
  id: string;
  country: PlateCountry;
  kind: PlateKind;
  /** Allowed characters for each position. */
  slots: readonly string[];
  display: string;
  /** Extra rule on the whole compact form (province code range, special series lists). */
  accepts?: (compact: string) => boolean;
}

export function slotsMatch(grammar: PlateGrammar, compact: string): boolean {
  const chars = [...compact];
  if (chars.length !== grammar.slots.length) return false;
  for (let i = 0; i < chars.length; i++) if (!grammar.slots[i]!.includes(chars[i]!)) return false;
  return grammar.accepts ? grammar.accepts(compact) : true;
}

export function formatDisplay(grammar: PlateGrammar, compact: string): string {
  const chars = [...compact];
  let i = 0;
  let out = '';
  for (const t of grammar.display) out += t === '#' ? (chars[i++] ?? '') : t;
  return out;
}

/** Compact indices that the display template puts a separator before. */
export function displaySeparators(grammar: PlateGrammar): Set<number> {
  const out = new Set<number>();
  let i = 0;
  let pending = false;
  for (const t of grammar.display) {
    if (t === '#') {
      if (pending && i > 0) out.add(i);
      pending = false;
      i++;
    } else {
      pending = true;
    }
  }
  return out;
}
