/**
 * What the central system does with events: de-duplicate by message id, and check each lane's
 * sequence numbers for gaps and duplicates. Arrival order may interleave (live events overtake a
 * backlog being drained, docs/mqtt.md), so a gap is "a seq below the highest seen that has not
 * arrived (yet)"; after a drain completes there must be none.
 */
export interface LaneLedgerReport {
  lane: string;
  /** Distinct messages (by id). */
  unique: number;
  /** Deliveries of an id already seen (QoS 1 allows them). */
  duplicates: number;
  lowestSeq: number | null;
  highestSeq: number | null;
  /** Seqs between the lowest and highest seen that never arrived. */
  missing: number[];
  /** Distinct ids that arrived with a seq another id already had: a lane bug, never allowed. */
  seqConflicts: number;
  /** Messages that arrived with a lower seq than one before them (backlog behind live). */
  outOfOrder: number;
}

interface LaneState {
  ids: Map<string, number>;
  seqs: Map<number, string>;
  duplicates: number;
  seqConflicts: number;
  outOfOrder: number;
  lastSeq: number;
}

export type LedgerVerdict = 'new' | 'duplicate' | 'seq-conflict';

export class EventLedger {
  private readonly lanes = new Map<string, LaneState>();

  record(lane: string, id: string, seq: number): LedgerVerdict {
    let s = this.lanes.get(lane);
    if (s === undefined) {
      s = { ids: new Map(), seqs: new Map(), duplicates: 0, seqConflicts: 0, outOfOrder: 0, lastSeq: 0 };
      this.lanes.set(lane, s);
    }
    if (s.ids.has(id)) {
      s.duplicates += 1;
      return 'duplicate';
    }
    const holder = s.seqs.get(seq);
    if (holder !== undefined) {
      s.seqConflicts += 1;
      return 'seq-conflict';
    }
    s.ids.set(id, seq);
    s.seqs.set(seq, id);
    if (seq < s.lastSeq) s.outOfOrder += 1;
    s.lastSeq = seq;
    return 'new';
  }

  /** Distinct ids seen for a lane. */
  ids(lane: string): Set<string> {
    return new Set(this.lanes.get(lane)?.ids.keys() ?? []);
  }

  report(lane: string): LaneLedgerReport {
    const s = this.lanes.get(lane);
    if (s === undefined) return { lane, unique: 0, duplicates: 0, lowestSeq: null, highestSeq: null, missing: [], seqConflicts: 0, outOfOrder: 0 };
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (const seq of s.seqs.keys()) {
      if (seq < lo) lo = seq;
      if (seq > hi) hi = seq;
    }
    const missing: number[] = [];
    for (let q = lo; q <= hi && missing.length < 1000; q++) if (!s.seqs.has(q)) missing.push(q);
    return { lane, unique: s.ids.size, duplicates: s.duplicates, lowestSeq: lo, highestSeq: hi, missing, seqConflicts: s.seqConflicts, outOfOrder: s.outOfOrder };
  }

  lanesSeen(): string[] {
    return [...this.lanes.keys()];
  }
}
