/** Levenshtein distance, case-insensitive: "Level" and "level" are the same key to a human. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/**
 * The candidate closest to `word`, or undefined when nothing is close enough to be a plausible typo
 * (a third of the word's length, at least 1, at most 3 edits). Suggesting a far-off key misleads more than
 * it helps.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= limit) return best;
  return nearestByWords(word, candidates);
}

/**
 * Fallback for hyphenated names where a whole word is missing ('serial-scaner' for 'serial-line-scanner'):
 * the only candidate in which every word of `word` appears, allowing one typo per word.
 */
function nearestByWords(word: string, candidates: readonly string[]): string | undefined {
  const words = word.toLowerCase().split(/[-_.]/).filter((w) => w.length >= 3);
  if (words.length === 0) return undefined;
  const matches = candidates.filter((candidate) => {
    const parts = candidate.toLowerCase().split(/[-_.]/);
    return words.every((w) => parts.some((part) => editDistance(w, part) <= 1));
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** "; did you mean 'x'?" or the empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const match = nearest(word, candidates);
  return match === undefined ? '' : `; did you mean '${match}'?`;
}
