/**
 * Characters that plate OCR mistakes for one another. A substitution inside one group costs
 * less than any other edit, so `51A-77S.29` stays close to `51A-775.29` while `51A-776.29`
 * (a different plate) does not.
 */
export const OCR_CONFUSION_GROUPS: readonly string[] = ['0ODQ', '1I', '8B', '2Z', '5S'];

const GROUP_OF = new Map<string, number>();
OCR_CONFUSION_GROUPS.forEach((g, i) => {
  for (const ch of g) GROUP_OF.set(ch, i);
});

/** Representative of a character's confusion group (the group's first character), or itself. */
export function foldConfusable(ch: string): string {
  const g = GROUP_OF.get(ch);
  return g === undefined ? ch : OCR_CONFUSION_GROUPS[g]![0]!;
}

export function foldConfusables(compact: string): string {
  let out = '';
  for (const ch of compact) out += foldConfusable(ch);
  return out;
}

export function areConfusable(a: string, b: string): boolean {
  const ga = GROUP_OF.get(a);
  return ga !== undefined && ga === GROUP_OF.get(b);
}

/** Characters of `slot` that `ch` may have been misread from, in group order. */
export function confusableAlternatives(ch: string, slot: string): string[] {
  const g = GROUP_OF.get(ch);
  if (g === undefined) return [];
  return [...OCR_CONFUSION_GROUPS[g]!].filter((c) => c !== ch && slot.includes(c));
}

export interface DistanceCosts {
  /** Substituting a character by another of its confusion group. */
  confusion: number;
  /** Any other substitution, insertion or deletion. */
  edit: number;
}

export const DEFAULT_DISTANCE_COSTS: DistanceCosts = { confusion: 0.25, edit: 1 };

/**
 * Weighted Levenshtein distance between two compact plates, bounded: returns Infinity as soon
 * as the distance must exceed `max`, which keeps a scan over many plates cheap.
 */
export function plateDistance(a: string, b: string, max: number, costs: DistanceCosts = DEFAULT_DISTANCE_COSTS): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) * costs.edit > max) return Number.POSITIVE_INFINITY;
  let prev = new Float64Array(y.length + 1);
  let cur = new Float64Array(y.length + 1);
  for (let j = 0; j <= y.length; j++) prev[j] = j * costs.edit;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i * costs.edit;
    let rowMin = cur[0];
    const xi = x[i - 1]!;
    for (let j = 1; j <= y.length; j++) {
      const yj = y[j - 1]!;
      const sub = xi === yj ? 0 : areConfusable(xi, yj) ? costs.confusion : costs.edit;
      const v = Math.min(prev[j - 1]! + sub, prev[j]! + costs.edit, cur[j - 1]! + costs.edit);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return Number.POSITIVE_INFINITY;
    [prev, cur] = [cur, prev];
  }
  const d = prev[y.length]!;
  return d > max ? Number.POSITIVE_INFINITY : d;
}
