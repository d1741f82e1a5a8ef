import { toDecoding, type PlateCandidate, type PlateDecoding } from './plate-decode.js';

/**
 * Joins several readings of the same plate lines (test-time variants: a little wider or
 * narrower, shifted up or down, padded or not) into one decoding.
 *
 * Each variant gives its valid readings with log P(text | that variant's recogniser output).
 * A reading's score is the sum over variants, i.e. the product of the probabilities, so a
 * character that is 0.53 vs 0.43 in one variant and the other way round in two others is
 * settled by the majority of the evidence, not by whichever variant happened to run first.
 * A reading missing from a variant's list (it fell below that variant's n-best) is charged
 * that list's worst score minus MISSING_PENALTY: no more likely than anything the variant kept.
 */
export const MISSING_PENALTY = 2;

export function voteVariants(lists: readonly (readonly PlateCandidate[])[]): PlateDecoding | undefined {
  const used = lists.filter((l) => l.length > 0);
  if (used.length === 0) return undefined;
  const floors = used.map((l) => Math.min(...l.map((c) => c.logProb)) - MISSING_PENALTY);
  // Per distinct text: its best-scoring candidate (layout, per-character confidences) and its score.
  const byText = new Map<string, { best: PlateCandidate; score: number }>();
  for (const list of used) {
    for (const c of list) {
      const text = c.chars.join('');
      const seen = byText.get(text);
      if (!seen) byText.set(text, { best: c, score: 0 });
      else if (c.logProb > seen.best.logProb) seen.best = c;
    }
  }
  for (const [text, entry] of byText) {
    entry.score = used.reduce((sum, list, i) => sum + (list.find((c) => c.chars.join('') === text)?.logProb ?? floors[i]!), 0);
  }
  const ranked = [...byText.values()].sort((a, b) => b.score - a.score);
  // Reported per variant on average, so confidence and margin read as for a single reading.
  const n = used.length;
  const asCandidate = (e: { best: PlateCandidate; score: number }): PlateCandidate => ({ ...e.best, logProb: e.score / n });
  return toDecoding(asCandidate(ranked[0]!), ranked[1] ? asCandidate(ranked[1]) : undefined);
}
