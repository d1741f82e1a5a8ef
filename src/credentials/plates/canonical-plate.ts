import { fail, type Result } from '../result.js';
import { CN_GRAMMARS } from './cn-plates.js';
import { confusableAlternatives } from './ocr-confusions.js';
import { displaySeparators, formatDisplay, slotsMatch, type PlateCountry, type PlateGrammar, type PlateKind } from './plate-grammar.js';
import { PLATE_MAX_INPUT_CHARS, splitPlateText } from './plate-text.js';
import { VN_GRAMMARS } from './vn-plates.js';

export interface CanonicalPlate {
  country: PlateCountry;
  kind: PlateKind;
  grammar: string;
  /** Letters, digits (and Chinese characters) only: the identity to hash, store and compare. */
  compact: string;
  /** The printed form: `29A-123.45`, `29-A1 123.45`, `80-011-NG-01`, `京A·12345`. */
  display: string;
  /** OCR look-alike characters replaced to fit the grammar (0 unless repairOcr was asked). */
  repairs: number;
  /** Display forms of other grammars the same characters fit (resolved by layout, then by order). */
  alternatives: string[];
}

export type PlateReason = 'PLATE_EMPTY' | 'PLATE_TOO_LONG' | 'PLATE_BAD_CHARACTERS' | 'PLATE_NO_GRAMMAR';

export interface CanonicalisePlateOptions {
  /** Only consider this country's grammars. */
  country?: PlateCountry;
  /** Replace up to `maxRepairs` OCR look-alikes where a slot needs a digit or a letter. */
  repairOcr?: boolean;
  maxRepairs?: number;
}

export const PLATE_GRAMMARS: readonly PlateGrammar[] = [...VN_GRAMMARS, ...CN_GRAMMARS];

/** The compact form with look-alikes swapped to fit the grammar's slots, or undefined. */
function repairToGrammar(grammar: PlateGrammar, compact: string, maxRepairs: number): { text: string; repairs: number } | undefined {
  const chars = [...compact];
  if (chars.length !== grammar.slots.length) return undefined;
  let repairs = 0;
  for (let i = 0; i < chars.length; i++) {
    const slot = grammar.slots[i]!;
    if (slot.includes(chars[i]!)) continue;
    const alts = confusableAlternatives(chars[i]!, slot);
    // Repair only when exactly one look-alike fits: guessing between two would invent a plate.
    if (alts.length !== 1 || ++repairs > maxRepairs) return undefined;
    chars[i] = alts[0]!;
  }
  const text = chars.join('');
  return slotsMatch(grammar, text) ? { text, repairs } : undefined;
}

function layoutScore(grammar: PlateGrammar, separators: ReadonlySet<number>): number {
  const expected = displaySeparators(grammar);
  let score = 0;
  for (const s of separators) score += expected.has(s) ? 1 : -0.5;
  return score;
}

/**
 * Canonical form of a plate read by OCR, typed by an operator or received in a list.
 * Characters decide the grammar; separators and row breaks in the input decide between
 * grammars that accept the same characters; grammar order breaks remaining ties.
 */
export function canonicalisePlate(text: string, options: CanonicalisePlateOptions = {}): Result<CanonicalPlate, PlateReason> {
  if (text.length > PLATE_MAX_INPUT_CHARS) return fail('PLATE_TOO_LONG', `${text.length} characters, limit ${PLATE_MAX_INPUT_CHARS}`);
  const split = splitPlateText(text);
  if (split.badCharacterAt >= 0) return fail('PLATE_BAD_CHARACTERS', `character at position ${split.badCharacterAt} is not a plate character`);
  if (split.compact.length === 0) return fail('PLATE_EMPTY', 'no letters or digits');
  const grammars = options.country ? PLATE_GRAMMARS.filter((g) => g.country === options.country) : PLATE_GRAMMARS;
  const maxRepairs = options.repairOcr ? (options.maxRepairs ?? 2) : 0;

  const candidates: { grammar: PlateGrammar; compact: string; repairs: number; score: number; order: number }[] = [];
  grammars.forEach((grammar, order) => {
    const fit = slotsMatch(grammar, split.compact) ? { text: split.compact, repairs: 0 } : maxRepairs > 0 ? repairToGrammar(grammar, split.compact, maxRepairs) : undefined;
    if (fit) candidates.push({ grammar, compact: fit.text, repairs: fit.repairs, score: layoutScore(grammar, split.separatorsBefore), order });
  });
  if (candidates.length === 0) {
    const scope = options.country ? `${options.country} ` : '';
    return fail('PLATE_NO_GRAMMAR', `${[...split.compact].length} characters fit no ${scope}plate grammar`);
  }
  // Layout agreement and repairs are both evidence: each repair costs as much as one separator
  // in the wrong place; then fewer repairs, then grammar order.
  candidates.sort((a, b) => b.score - b.repairs - (a.score - a.repairs) || a.repairs - b.repairs || a.order - b.order);
  const best = candidates[0]!;
  return {
    ok: true,
    country: best.grammar.country,
    kind: best.grammar.kind,
    grammar: best.grammar.id,
    compact: best.compact,
    display: formatDisplay(best.grammar, best.compact),
    repairs: best.repairs,
    alternatives: candidates.slice(1).map((c) => formatDisplay(c.grammar, c.compact)),
  };
}

/** The value to hand to the keyed hash for a plate, or undefined when it fits no grammar. */
export function normalisePlateForHash(text: string, options: CanonicalisePlateOptions = {}): string | undefined {
  const p = canonicalisePlate(text, options);
  return p.ok ? p.compact : undefined;
}
