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
  /**
   * For a two-row plate read as one line: how many characters belong to the top row. With the
   * matrix's `rowOfStep`, top-row steps may only emit positions below it and bottom-row steps
   * only positions from it on, so `30N` / `59999` (car) and `30-N5` / `9999` (motorbike),
   * which share their characters, are told apart by where the rows meet.
   */
  readonly split?: number;
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
/** A step "shows a character" when the plate glyphs together get at least this probability. */
const FORCE_MIN_GLYPH_MASS = 0.01;

interface Extension {
  col: number;
  p: number;
  emission: Emission;
}

interface Emission {
  /** Reduced-matrix columns that vote for this glyph, with their weights. */
  sources: Int32Array;
  weights: Float32Array;
}

interface Plan {
  /** The glyph columns allowed here and how to compute each one's emission. */
  cols: Int32Array;
  emissions: Emission[];
  /** Emission probabilities at step `at` (computed once per step, shared by all prefixes). */
  probs: Float64Array;
  at: number;
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
  private readonly plans = new Map<number, Plan>();
  private readonly remaining = new Map<number, number>();
  /** allowAt[pos].get(glyph): bit mask of the tracks allowing `glyph` at `pos`. */
  private readonly allowAt: Map<string, number>[] = [];

  constructor(
    private readonly m: CtcMatrix,
    readonly tracks: readonly SlotTrack[],
  ) {
    if (tracks.length === 0 || tracks.length > MAX_TRACKS) throw new RangeError(`need 1..${MAX_TRACKS} tracks, got ${tracks.length}`);
    this.maxLen = Math.max(...tracks.map((t) => t.slots.length));
    for (let pos = 0; pos < this.maxLen; pos++) {
      const allow = new Map<string, number>();
      tracks.forEach((t, i) => {
        for (const ch of t.slots[pos] ?? '') allow.set(ch, (allow.get(ch) ?? 0) | (1 << i));
      });
      this.allowAt.push(allow);
    }
  }

  /** Fewest characters still needed by any track alive in `mask` after `len` characters. */
  minRemaining(mask: number, len: number): number {
    const key = mask * 64 + len;
    let v = this.remaining.get(key);
    if (v === undefined) {
      v = Number.POSITIVE_INFINITY;
      for (let i = 0; i < this.tracks.length; i++) {
        const n = this.tracks[i]!.slots.length;
        if (mask & (1 << i) && n >= len) v = Math.min(v, n - len);
      }
      this.remaining.set(key, v);
    }
    return v;
  }

  completes(mask: number, len: number): number[] {
    const out: number[] = [];
    this.tracks.forEach((t, i) => {
      if (mask & (1 << i) && t.slots.length === len) out.push(i);
    });
    return out;
  }

  /** Tracks of `mask` that allow `glyph` at `pos` (on row `row` when rows are known). */
  maskFor(mask: number, pos: number, glyph: string, row = -1): number {
    let out = mask & (this.allowAt[pos]?.get(glyph) ?? 0);
    if (row === 0) out &= this.topRowAllows(pos);
    return out;
  }

  /** Tracks whose top row still has room for position `pos`. */
  topRowAllows(pos: number): number {
    let out = 0;
    for (let i = 0; i < this.tracks.length; i++) {
      const split = this.tracks[i]!.split;
      if (split === undefined || pos < split) out |= 1 << i;
    }
    return out;
  }

  /** Tracks still possible on the bottom row after `len` characters: their top row is complete. */
  bottomRowAlive(len: number): number {
    let out = 0;
    for (let i = 0; i < this.tracks.length; i++) {
      const split = this.tracks[i]!.split;
      if (split === undefined || len >= split) out |= 1 << i;
    }
    return out;
  }

  /** Emissions for position `pos` given the tracks alive in `mask` (cached per pair). */
  plan(mask: number, pos: number): Plan {
    const key = mask * 64 + pos;
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
    const cols = [...sources.keys()];
    const emissions = cols.map((col) => ({ sources: Int32Array.from(sources.get(col)!.cols), weights: Float32Array.from(sources.get(col)!.weights) }));
    plan = { cols: Int32Array.from(cols), emissions, probs: new Float64Array(cols.length), at: -1 };
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
    const row = m.rowOfStep ? m.rowOfStep[t]! : -1;
    const extend = (e: Entry, total: number, pos: number, col: number, p: number, emission: Emission): void => {
      const glyph = m.alphabet.glyphs[col - 1]!;
      const mask = set.maskFor(e.mask, pos, glyph, row);
      if (mask === 0 || set.minRemaining(mask, pos + 1) > stepsLeft) return;
      // CTC: a repeated glyph needs a blank between, so only blank-ending paths extend with it.
      const from = e.cols[e.cols.length - 1] === col ? e.pb : total;
      if (from === 0) return;
      addTo(next, e, [...e.cols, col], e.key + glyph, mask, 0, from * p, [...e.conf, p], emission);
    };
    for (const e of beam) {
      if (row === 1) {
        // On the bottom row a prefix whose top row is unfinished can never complete that track.
        e.mask &= set.bottomRowAlive(e.cols.length);
        if (e.mask === 0) continue;
      }
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
      // Extensions: every allowed glyph the recogniser gives some probability here, plus the
      // best two at steps that show any character at all, so a faint character the grammar
      // needs can still be placed where the recogniser saw something.
      const forced = 1 - skip >= FORCE_MIN_GLYPH_MASS;
      let best1: Extension | undefined;
      let best2: Extension | undefined;
      const plan = set.plan(e.mask, pos);
      if (plan.at !== t) {
        for (let i = 0; i < plan.cols.length; i++) plan.probs[i] = emit(m, t, plan.emissions[i]!);
        plan.at = t;
      }
      for (let i = 0; i < plan.cols.length; i++) {
        const p = plan.probs[i]!;
        if (p <= 0) continue;
        const col = plan.cols[i]!;
        const emission = plan.emissions[i]!;
        if (p >= PRUNE_BELOW) extend(e, total, pos, col, p, emission);
        else if (forced) {
          if (!best1 || p > best1.p) {
            best2 = best1;
            best1 = { col, p, emission };
          } else if (!best2 || p > best2.p) best2 = { col, p, emission };
        }
      }
      for (const b of [best1, best2]) if (b) extend(e, total, pos, b.col, b.p, b.emission);
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
