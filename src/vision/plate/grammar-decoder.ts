import { confusableAlternatives } from '../../credentials/plates/ocr-confusions.js';
import type { CtcMatrix } from './ctc-matrix.js';

/**
 * CTC prefix beam search constrained by plate grammars.
 *
 * Why not a regex after a greedy read: the greedy read commits to one character per step, so
 * when the recogniser's best guess is invalid (an O where the grammar needs a digit, a missing
 * province character) the information needed to repair it is already gone. Here every prefix
 * the search keeps is a prefix of some grammar, each prefix carries the full CTC probability of
 * all alignments that produce it, and a slot's characters also collect the probability of
 * their OCR look-alikes that the slot cannot hold (the recogniser's 'O' counts for '0' in a
 * digit slot). The answer is the most probable complete reading that a grammar accepts.
 *
 * A "track" is one slot sequence (a whole grammar, or one row of a two-row layout). All
 * tracks are searched at once: a prefix carries the bit mask of tracks it still fits.
 */
export interface SlotTrack {
  readonly slots: readonly string[];
}

export interface DecodeOptions {
  /** Prefixes kept per step. */
  beamWidth?: number;
  /** Complete readings returned, best first. */
  nBest?: number;
}

export interface DecodedReading {
  chars: string[];
  text: string;
  /** log P(reading | matrix), summed over all CTC alignments. */
  logProb: number;
  /** Per character: highest emission probability over the steps that produced it. */
  charConfidences: number[];
  /** Indices of the tracks this reading completes. */
  tracks: number[];
}

const MAX_TRACKS = 30;
/** Extensions below this emission probability are skipped unless among a slot's top two. */
const PRUNE_BELOW = 1e-4;

interface Emission {
  /** Reduced-matrix columns that vote for this glyph, with their weights. */
  sources: Int32Array;
  weights: Float32Array;
}

interface Plan {
  /** Glyph column -> how to compute its emission, for the glyphs allowed here. */
  byColumn: Map<number, Emission>;
}

interface Entry {
  key: string;
  cols: number[];
  mask: number;
  pb: number;
  pnb: number;
  conf: number[];
  last: Emission | undefined;
}

function emit(m: CtcMatrix, t: number, e: Emission): number {
  const base = t * m.columns;
  let p = 0;
  for (let i = 0; i < e.sources.length; i++) p += m.data[base + e.sources[i]!]! * e.weights[i]!;
  return p;
}

class TrackSet {
  readonly maxLen: number;
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly m: CtcMatrix,
    readonly tracks: readonly SlotTrack[],
  ) {
    if (tracks.length === 0 || tracks.length > MAX_TRACKS) throw new RangeError(`need 1..${MAX_TRACKS} tracks, got ${tracks.length}`);
    this.maxLen = Math.max(...tracks.map((t) => t.slots.length));
  }

  /** Fewest characters still needed by any track alive in `mask` after `len` characters. */
  minRemaining(mask: number, len: number): number {
    let best = Number.POSITIVE_INFINITY;
    this.tracks.forEach((t, i) => {
      if (mask & (1 << i) && t.slots.length >= len) best = Math.min(best, t.slots.length - len);
    });
    return best;
  }

  completes(mask: number, len: number): number[] {
    const out: number[] = [];
    this.tracks.forEach((t, i) => {
      if (mask & (1 << i) && t.slots.length === len) out.push(i);
    });
    return out;
  }

  maskFor(mask: number, pos: number, glyph: string): number {
    let out = 0;
    this.tracks.forEach((t, i) => {
      if (mask & (1 << i) && t.slots.length > pos && t.slots[pos]!.includes(glyph)) out |= 1 << i;
    });
    return out;
  }

  /** Emissions for position `pos` given the tracks alive in `mask` (cached per pair). */
  plan(mask: number, pos: number): Plan {
    const key = `${pos}:${mask}`;
    let plan = this.plans.get(key);
    if (plan) return plan;
    let allowed = '';
    this.tracks.forEach((t, i) => {
      if (mask & (1 << i) && t.slots.length > pos) for (const ch of t.slots[pos]!) if (!allowed.includes(ch)) allowed += ch;
    });
    const { alphabet } = this.m;
    const sources = new Map<number, { cols: number[]; weights: number[] }>();
    for (const ch of allowed) {
      const col = alphabet.columnOf.get(ch);
      if (col !== undefined) sources.set(col, { cols: [col], weights: [1] });
    }
    // Look-alikes this position cannot hold lend their probability to the glyphs it can.
    alphabet.glyphs.forEach((g, i) => {
      if (allowed.includes(g)) return;
      const alts = confusableAlternatives(g, allowed);
      for (const alt of alts) {
        const s = sources.get(alphabet.columnOf.get(alt)!);
        if (!s) continue;
        s.cols.push(i + 1);
        s.weights.push(1 / alts.length);
      }
    });
    const byColumn = new Map<number, Emission>();
    for (const [col, s] of sources) byColumn.set(col, { sources: Int32Array.from(s.cols), weights: Float32Array.from(s.weights) });
    plan = { byColumn };
    this.plans.set(key, plan);
    return plan;
  }
}

function addTo(next: Map<string, Entry>, proto: Entry, cols: number[], key: string, mask: number, pb: number, pnb: number, conf: number[], last: Emission | undefined): void {
  const cur = next.get(key);
  if (!cur) {
    next.set(key, { key, cols, mask, pb, pnb, conf, last: last ?? proto.last });
    return;
  }
  cur.pb += pb;
  cur.pnb += pnb;
  for (let i = 0; i < conf.length; i++) if (conf[i]! > cur.conf[i]!) cur.conf[i] = conf[i]!;
}

/** Complete readings of `m` that fit one of `tracks`, best first (empty when none fits). */
export function decodeWithTracks(m: CtcMatrix, tracks: readonly SlotTrack[], options: DecodeOptions = {}): DecodedReading[] {
  const beamWidth = options.beamWidth ?? 16;
  const nBest = options.nBest ?? 8;
  const set = new TrackSet(m, tracks);
  const allMask = (1 << tracks.length) - 1;
  let beam: Entry[] = [{ key: '', cols: [], mask: allMask, pb: 1, pnb: 0, conf: [], last: undefined }];
  let logScale = 0;

  for (let t = 0; t < m.steps; t++) {
    const next = new Map<string, Entry>();
    const skip = m.data[t * m.columns]!;
    const stepsLeft = m.steps - 1 - t;
    for (const e of beam) {
      const total = e.pb + e.pnb;
      addTo(next, e, e.cols, e.key, e.mask, total * skip, 0, e.conf, undefined);
      if (e.last) {
        const p = emit(m, t, e.last);
        const conf = e.conf.slice();
        conf[conf.length - 1] = Math.max(conf[conf.length - 1]!, p);
        addTo(next, e, e.cols, e.key, e.mask, 0, e.pnb * p, conf, undefined);
      }
      const pos = e.cols.length;
      if (pos >= set.maxLen) continue;
      const scored: { col: number; p: number; emission: Emission }[] = [];
      for (const [col, emission] of set.plan(e.mask, pos).byColumn) scored.push({ col, p: emit(m, t, emission), emission });
      scored.sort((a, b) => b.p - a.p);
      scored.forEach((s, rank) => {
        if (s.p < PRUNE_BELOW && rank >= 2) return;
        const glyph = m.alphabet.glyphs[s.col - 1]!;
        const mask = set.maskFor(e.mask, pos, glyph);
        if (mask === 0 || set.minRemaining(mask, pos + 1) > stepsLeft) return;
        // CTC: a repeated glyph needs a blank between, so only blank-ending paths extend with it.
        const lastCol = e.cols[e.cols.length - 1];
        const from = lastCol === s.col ? e.pb : total;
        if (from === 0) return;
        addTo(next, e, [...e.cols, s.col], e.key + glyph, mask, 0, from * s.p, [...e.conf, s.p], s.emission);
      });
    }
    const kept = [...next.values()].filter((x) => set.minRemaining(x.mask, x.cols.length) <= stepsLeft);
    kept.sort((a, b) => b.pb + b.pnb - (a.pb + a.pnb));
    beam = kept.slice(0, beamWidth);
    const top = beam.length > 0 ? beam[0]!.pb + beam[0]!.pnb : 0;
    if (top <= 0) return [];
    // Rescale every step so long lines with forced low-probability glyphs never underflow.
    for (const x of beam) {
      x.pb /= top;
      x.pnb /= top;
    }
    logScale += Math.log(top);
  }

  const out: DecodedReading[] = [];
  for (const e of beam) {
    const done = set.completes(e.mask, e.cols.length);
    if (done.length === 0) continue;
    const chars = e.cols.map((c) => m.alphabet.glyphs[c - 1]!);
    out.push({ chars, text: chars.join(''), logProb: Math.log(e.pb + e.pnb) + logScale, charConfidences: e.conf, tracks: done });
  }
  out.sort((a, b) => b.logProb - a.logProb);
  return out.slice(0, nBest);
}
