import { DEFAULT_DISTANCE_COSTS, foldConfusables, plateDistance, type DistanceCosts } from './ocr-confusions.js';
import { plateQueryKey } from './plate-text.js';

/**
 * Fuzzy lookup of an OCR reading among the cached plates (expected lists, watchlists), with a
 * bounded distance that knows OCR confusions.
 *
 * Why it is fast: with max distance below 2 edits, a match differs from the query by at most
 * one edit once confusable characters are folded to one representative. So every plate is
 * indexed under its folded form and each single-deletion of it (symmetric-delete scheme);
 * a query probes its own folded form and deletions, and only those candidates get the exact
 * weighted distance. Keys are 32-bit hashes: a collision only adds a candidate to check.
 */
export interface PlateMatch {
  id: string;
  compact: string;
  distance: number;
}

export interface PlateIndexOptions {
  /** Largest weighted distance reported; must be below 2 (the index relies on it). */
  maxDistance?: number;
  costs?: DistanceCosts;
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function deletionKeys(folded: string): string[] {
  const chars = [...folded];
  const out = [folded];
  for (let i = 0; i < chars.length; i++) out.push(chars.slice(0, i).join('') + chars.slice(i + 1).join(''));
  return out;
}

export class PlateIndex {
  readonly maxDistance: number;
  private readonly costs: DistanceCosts;
  private readonly ids: string[] = [];
  private readonly compacts: (string | undefined)[] = [];
  private readonly slotById = new Map<string, number>();
  private readonly buckets = new Map<number, number | number[]>();

  constructor(options: PlateIndexOptions = {}) {
    this.maxDistance = Math.min(options.maxDistance ?? 1, 1.99);
    this.costs = options.costs ?? DEFAULT_DISTANCE_COSTS;
  }

  get size(): number {
    return this.slotById.size;
  }

  /** Adds or replaces a plate; `plate` may be canonical or raw text (it is reduced to its key). */
  add(id: string, plate: string): boolean {
    const compact = plateQueryKey(plate);
    if (compact.length === 0) return false;
    this.remove(id);
    const slot = this.ids.length;
    this.ids.push(id);
    this.compacts.push(compact);
    this.slotById.set(id, slot);
    for (const key of new Set(deletionKeys(foldConfusables(compact)))) {
      const h = hash32(key);
      const cur = this.buckets.get(h);
      if (cur === undefined) this.buckets.set(h, slot);
      else if (typeof cur === 'number') this.buckets.set(h, [cur, slot]);
      else cur.push(slot);
    }
    return true;
  }

  /** Removes a plate; its bucket entries stay behind as tombstones and are skipped. */
  remove(id: string): void {
    const slot = this.slotById.get(id);
    if (slot === undefined) return;
    this.compacts[slot] = undefined;
    this.slotById.delete(id);
  }

  /** Matches within maxDistance, closest first (ties by id). */
  match(query: string, limit = 5): PlateMatch[] {
    const q = plateQueryKey(query);
    if (q.length === 0) return [];
    const seen = new Set<number>();
    const out: PlateMatch[] = [];
    for (const key of deletionKeys(foldConfusables(q))) {
      const bucket = this.buckets.get(hash32(key));
      if (bucket === undefined) continue;
      for (const slot of typeof bucket === 'number' ? [bucket] : bucket) {
        if (seen.has(slot)) continue;
        seen.add(slot);
        const compact = this.compacts[slot];
        if (compact === undefined) continue;
        const distance = plateDistance(q, compact, this.maxDistance, this.costs);
        if (distance <= this.maxDistance) out.push({ id: this.ids[slot]!, compact, distance });
      }
    }
    out.sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out.slice(0, limit);
  }
}
