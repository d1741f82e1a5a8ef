import { PLATE_GRAMMARS } from '../../credentials/plates/canonical-plate.js';
import { formatDisplay, slotsMatch } from '../../credentials/plates/plate-grammar.js';
import type { PlateRead } from './plate-read.js';

/**
 * Combines the reads of one vehicle over several frames into one plate.
 *
 * 1. Whole plates: each distinct reading collects the confidences of the frames that gave it;
 *    the reading with the most evidence wins when it holds at least half of all evidence.
 * 2. Otherwise, character by character: among the frames whose reading has the winning
 *    grammar, each position takes the character with the largest summed per-character
 *    confidence. This recovers a plate that no single frame read whole (frame 1 misreads the
 *    3rd character, frame 2 the 6th), and is kept only when the grammar accepts the result.
 * Frames that read nothing count in `frames` but add no evidence.
 */
export interface VotedPlate {
  compact: string;
  display: string;
  country: PlateRead['country'];
  kind: PlateRead['kind'];
  grammar: string;
  rows: 1 | 2;
  /** Share of all frame evidence behind this reading, times its mean frame confidence. */
  confidence: number;
  charConfidences: number[];
  /** Frames offered, frames with a reading, frames that read exactly this plate. */
  frames: number;
  readFrames: number;
  agreeing: number;
  /** True when assembled character by character (no single frame read it). */
  composed: boolean;
}

interface Tally {
  reads: PlateRead[];
  weight: number;
}

function tallies(reads: readonly PlateRead[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const r of reads) {
    const t = out.get(r.compact) ?? { reads: [], weight: 0 };
    t.reads.push(r);
    t.weight += r.confidence;
    out.set(r.compact, t);
  }
  return out;
}

function fromTally(t: Tally, total: number, frames: number, readFrames: number): VotedPlate {
  const first = t.reads[0]!;
  const n = first.charConfidences.length;
  const charConfidences = Array.from({ length: n }, (_, i) => Math.max(...t.reads.map((r) => r.charConfidences[i] ?? 0)));
  const mean = t.weight / t.reads.length;
  return {
    compact: first.compact,
    display: first.display,
    country: first.country,
    kind: first.kind,
    grammar: first.grammar,
    rows: first.rows,
    confidence: total > 0 ? (t.weight / total) * mean : 0,
    charConfidences,
    frames,
    readFrames,
    agreeing: t.reads.length,
    composed: false,
  };
}

function compose(reads: readonly PlateRead[], grammarId: string, total: number, frames: number): VotedPlate | undefined {
  const same = reads.filter((r) => r.grammar === grammarId);
  const grammar = PLATE_GRAMMARS.find((g) => g.id === grammarId);
  if (!grammar || same.length < 2) return undefined;
  const n = [...same[0]!.compact].length;
  const chars: string[] = [];
  const confs: number[] = [];
  for (let i = 0; i < n; i++) {
    const score = new Map<string, number>();
    for (const r of same) {
      const ch = [...r.compact][i]!;
      score.set(ch, (score.get(ch) ?? 0) + (r.charConfidences[i] ?? 0));
    }
    const [ch, s] = [...score].sort((a, b) => b[1] - a[1])[0]!;
    chars.push(ch);
    confs.push(s / same.length);
  }
  const compact = chars.join('');
  if (!slotsMatch(grammar, compact)) return undefined;
  const agreeing = reads.filter((r) => r.compact === compact).length;
  const weight = same.reduce((a, r) => a + r.confidence, 0);
  const first = same[0]!;
  return {
    compact,
    display: formatDisplay(grammar, compact),
    country: first.country,
    kind: first.kind,
    grammar: grammarId,
    rows: first.rows,
    confidence: total > 0 ? (weight / total) * Math.min(...confs) : 0,
    charConfidences: confs,
    frames,
    readFrames: reads.length,
    agreeing,
    composed: agreeing === 0,
  };
}

/** The vehicle's plate from per-frame reads (undefined entries: frames with no plate). */
export function votePlates(perFrame: readonly (PlateRead | undefined)[]): VotedPlate | undefined {
  const reads = perFrame.filter((r): r is PlateRead => r !== undefined);
  if (reads.length === 0) return undefined;
  const total = reads.reduce((a, r) => a + r.confidence, 0);
  const ranked = [...tallies(reads).values()].sort((a, b) => b.weight - a.weight);
  const best = ranked[0]!;
  if (best.weight >= total / 2 || reads.length < 3) return fromTally(best, total, perFrame.length, reads.length);
  return compose(reads, best.reads[0]!.grammar, total, perFrame.length) ?? fromTally(best, total, perFrame.length, reads.length);
}
