import { cosine } from './embedder.js';

/**
 * 1:1 and 1:N comparison of unit-length templates by cosine similarity. One operating
 * threshold (FaceConfig.threshold) decides both; it was chosen on the development fixtures
 * (docs/vision.md gives the figures).
 */
export interface VerifyResult {
  score: number;
  match: boolean;
}

export function verify(probe: Float32Array, enrolled: Float32Array, threshold: number): VerifyResult {
  const score = cosine(probe, enrolled);
  return { score, match: score >= threshold };
}

export interface WatchlistEntry {
  id: string;
  template: Float32Array;
}

export interface WatchlistHit {
  id: string;
  score: number;
}

/** Entries at or above the threshold, best first, at most `topK`. */
export function searchWatchlist(probe: Float32Array, list: Iterable<WatchlistEntry>, threshold: number, topK = 5): WatchlistHit[] {
  const hits: WatchlistHit[] = [];
  for (const e of list) {
    if (e.template.length !== probe.length) continue;
    const score = cosine(probe, e.template);
    if (score >= threshold) hits.push({ id: e.id, score });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, topK);
}
