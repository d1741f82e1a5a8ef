import { createMemory, instantiateScan, scanModule, strideFor, type ScanFunction, type WasmMemory } from './simd-kernel.js';

export interface FaceCandidate<M> {
  id: string;
  /** Cosine similarity, -1..1 (the vectors are L2-normalised). */
  score: number;
  meta: M;
}

export interface FaceSearchOptions {
  /** How many candidates to return (best first). Default 5. */
  k?: number;
  /** Leave out candidates below this cosine similarity. Default -1 (none left out). */
  minScore?: number;
}

const PAGE = 65536;
const QUERY_REGION = 16384; // int16 query of up to 8192 dims (stride of 4096 dims is 4096 bytes)
const MAX_RERANK = 4096;
const INT32_MAX = 2 ** 31 - 1;

/**
 * All templates of one embedding model in one contiguous matrix, kept in memory and in sync with
 * the database by FaceIndex. Two copies of each row:
 *
 * - int8 (per-row scale) in WebAssembly memory, scanned with SIMD for every search;
 * - Float32 in a JS array, used to re-score exactly the candidates the int8 pass could not rule
 *   out. With a proven error bound B on each int8 score, every row that can be in the true top k
 *   (or above minScore) has an approximate score >= max(minScore - B, kth - 2B), so the answer is
 *   the same as an exact brute-force search, only faster.
 *
 * Rows are packed: a removal moves the last row into the hole, so the scan never skips gaps.
 */
export class FaceGallery<M> {
  readonly dims: number;
  private readonly stride: number;
  private count = 0;
  private capacity = 0;
  private ids: string[] = [];
  private metas: M[] = [];
  private readonly slots = new Map<string, number>();
  private floats = new Float32Array(0);
  private scales = new Float32Array(0);
  /** Scratch for approximate scores, reused by every search. */
  private approx = new Float32Array(0);
  /** Largest row scale ever seen: keeps the error bound conservative after removals. */
  private maxScale = 0;
  private memory: WasmMemory | null = null;
  private scan: ScanFunction | null = null;
  private readonly useSimd: boolean;

  constructor(dims: number, opts: { simd?: boolean } = {}) {
    if (!Number.isInteger(dims) || dims < 1 || dims > 4096) throw new RangeError(`template dims ${dims} outside 1..4096`);
    this.dims = dims;
    this.stride = strideFor(dims);
    this.useSimd = (opts.simd ?? true) && scanModule() !== null;
  }

  get size(): number {
    return this.count;
  }

  /** True when searches use the WebAssembly SIMD kernel (false: exact JS scan). */
  get simd(): boolean {
    return this.useSimd;
  }

  /** Makes room for `n` rows up front (loading a known number of templates). */
  reserve(n: number): void {
    if (n > this.capacity) this.grow(n);
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  /** Adds or replaces a template; `vector` must be L2-normalised with `dims` values. */
  upsert(id: string, vector: Float32Array, meta: M): void {
    if (vector.length !== this.dims) throw new RangeError(`template has ${vector.length} dims, gallery has ${this.dims}`);
    let slot = this.slots.get(id);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      slot = this.count++;
      this.slots.set(id, slot);
    }
    this.ids[slot] = id;
    this.metas[slot] = meta;
    this.floats.set(vector, slot * this.dims);
    this.quantiseRow(slot, vector);
  }

  remove(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    const last = this.count - 1;
    if (slot !== last) {
      const lastId = this.ids[last]!;
      this.ids[slot] = lastId;
      this.metas[slot] = this.metas[last]!;
      this.floats.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
      this.scales[slot] = this.scales[last]!;
      if (this.memory !== null) {
        const bytes = new Int8Array(this.memory.buffer);
        bytes.copyWithin(this.rowOffset(slot), this.rowOffset(last), this.rowOffset(last) + this.stride);
      }
      this.slots.set(lastId, slot);
    }
    this.ids.length = last;
    this.metas.length = last;
    this.slots.delete(id);
    this.count = last;
    return true;
  }

  clear(): void {
    this.count = 0;
    this.ids = [];
    this.metas = [];
    this.slots.clear();
    this.maxScale = 0;
  }

  /** Top-k by cosine similarity; `query` need not be normalised (it is, here). */
  search(query: Float32Array, opts: FaceSearchOptions = {}): FaceCandidate<M>[] {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dims, gallery has ${this.dims}`);
    const k = Math.max(1, Math.trunc(opts.k ?? 5));
    const minScore = opts.minScore ?? -1;
    const q = normalised(query);
    if (q === null || this.count === 0) return [];
    const candidates = this.useSimd ? this.approximateCandidates(q, k, minScore) : null;
    // Exact scores of the candidates (or of every row), keeping the best k (ties: smaller id first).
    const best: { slot: number; score: number }[] = [];
    const better = (a: { slot: number; score: number }, b: { slot: number; score: number }): boolean =>
      a.score > b.score || (a.score === b.score && this.ids[a.slot]! < this.ids[b.slot]!);
    const consider = (slot: number): void => {
      const score = this.exactScore(q, slot);
      if (score < minScore) return;
      const c = { slot, score };
      if (best.length === k && !better(c, best[k - 1]!)) return;
      let i = best.length < k ? best.length : k - 1;
      while (i > 0 && better(c, best[i - 1]!)) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = c;
    };
    if (candidates === null) for (let slot = 0; slot < this.count; slot++) consider(slot);
    else for (const slot of candidates) consider(slot);
    return best.map(({ slot, score }) => ({ id: this.ids[slot]!, score, meta: this.metas[slot]! }));
  }

  /** Rows that may belong to the answer, or null when there are too many (then all rows are scored exactly). */
  private approximateCandidates(q: Float32Array, k: number, minScore: number): number[] | null {
    const mem = this.memory!;
    const qmax = Math.min(32767, Math.floor(INT32_MAX / (127 * this.stride)));
    let qAbs = 0;
    let qL1 = 0;
    for (let i = 0; i < this.dims; i++) {
      const a = Math.abs(q[i]!);
      qL1 += a;
      if (a > qAbs) qAbs = a;
    }
    const qScale = qAbs / qmax;
    const qi = new Int16Array(mem.buffer, 0, this.stride);
    qi.fill(0);
    for (let i = 0; i < this.dims; i++) qi[i] = Math.round(q[i]! / qScale);
    const outOffset = this.scoresOffset();
    this.scan!(0, QUERY_REGION, this.count, this.stride, outOffset);
    const raw = new Int32Array(mem.buffer, outOffset, this.count);

    // |exact - approx| <= B for every row: row rounding (scale/2 per value, times |q|_1) plus query
    // rounding (qScale/2 per value, times |row|_1 <= sqrt(d) * (1 + scale * sqrt(d) / 2)).
    const sqrtD = Math.sqrt(this.dims);
    const bound = (this.maxScale / 2) * qL1 + (qScale / 2) * sqrtD * (1 + (this.maxScale * sqrtD) / 2) + 1e-6;

    const approx = this.approx;
    const top = new Float64Array(k).fill(-Infinity); // ascending: top[0] is the kth best so far
    for (let r = 0; r < this.count; r++) {
      const s = raw[r]! * this.scales[r]! * qScale;
      approx[r] = s;
      if (s > top[0]!) {
        let j = 0;
        while (j + 1 < k && top[j + 1]! < s) {
          top[j] = top[j + 1]!;
          j++;
        }
        top[j] = s;
      }
    }
    const cutoff = Math.max(minScore - bound, top[0]! - 2 * bound);
    const out: number[] = [];
    for (let r = 0; r < this.count; r++) {
      if (approx[r]! >= cutoff) {
        out.push(r);
        if (out.length > MAX_RERANK) return null;
      }
    }
    return out;
  }

  private exactScore(q: Float32Array, slot: number): number {
    const f = this.floats;
    const base = slot * this.dims;
    const d = this.dims;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let i = 0;
    for (; i + 4 <= d; i += 4) {
      a0 += f[base + i]! * q[i]!;
      a1 += f[base + i + 1]! * q[i + 1]!;
      a2 += f[base + i + 2]! * q[i + 2]!;
      a3 += f[base + i + 3]! * q[i + 3]!;
    }
    for (; i < d; i++) a0 += f[base + i]! * q[i]!;
    return a0 + a1 + a2 + a3;
  }

  private quantiseRow(slot: number, v: Float32Array): void {
    let maxAbs = 0;
    for (let i = 0; i < v.length; i++) maxAbs = Math.max(maxAbs, Math.abs(v[i]!));
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    this.scales[slot] = scale;
    if (scale > this.maxScale) this.maxScale = scale;
    if (this.memory === null) return;
    const row = new Int8Array(this.memory.buffer, this.rowOffset(slot), this.stride);
    row.fill(0);
    for (let i = 0; i < v.length; i++) row[i] = Math.round(v[i]! / scale);
  }

  private rowOffset(slot: number): number {
    return QUERY_REGION + slot * this.stride;
  }

  private scoresOffset(): number {
    return QUERY_REGION + this.capacity * this.stride;
  }

  private grow(capacity: number): void {
    const floats = new Float32Array(capacity * this.dims);
    floats.set(this.floats.subarray(0, this.count * this.dims));
    this.floats = floats;
    const scales = new Float32Array(capacity);
    scales.set(this.scales.subarray(0, this.count));
    this.scales = scales;
    this.approx = new Float32Array(capacity);
    this.capacity = capacity;
    if (!this.useSimd) return;
    // Query, int8 rows, then one int32 score per row (scratch, so it may move when rows grow).
    const needed = QUERY_REGION + capacity * this.stride + capacity * 4;
    const pages = Math.ceil(needed / PAGE);
    if (this.memory === null) {
      this.memory = createMemory(pages);
      this.scan = instantiateScan(scanModule()!, this.memory);
    } else {
      const have = this.memory.buffer.byteLength / PAGE;
      if (pages > have) this.memory.grow(pages - have);
    }
  }
}

function normalised(v: Float32Array): Float32Array | null {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  if (!(sum > 0) || !Number.isFinite(sum)) return null;
  const inv = 1 / Math.sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}
