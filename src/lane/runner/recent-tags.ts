/**
 * RFID reads that arrived while no read window was open, kept for a moment.
 *
 * A UHF reader sees a truck's tag a few metres before the truck is over the induction loop, and
 * LLRP reports it faster than a PLC's loop subscription (tens of ms against ~100-200 ms). The
 * reader then de-duplicates the tag (it is reported once while it stays in the field), so a read
 * that lands just before "loop occupied" would be lost and the passage referred with RFID_MISSING.
 * The runner keeps such reads for `keepMs` and replays them when the vehicle flow opens its read
 * window. Reads made during a passage belong to it and are not kept; the buffer is emptied when a
 * window opens, so a tag is replayed into one passage at most. A stale tag of the vehicle before can
 * only cause a plate/tag disagreement (refer), never a grant: decide() needs both to name one vehicle.
 */
export interface RecentTag {
  at: number;
  epc: string;
  tid: string | null;
}

export class RecentTags {
  private reads: RecentTag[] = [];

  constructor(
    private readonly keepMs: number,
    private readonly max = 16,
  ) {}

  add(read: RecentTag): void {
    this.reads = this.reads.filter((r) => r.epc !== read.epc);
    this.reads.push(read);
    if (this.reads.length > this.max) this.reads.shift();
  }

  /** The reads younger than keepMs at `now`, oldest first; empties the buffer. */
  take(now: number): RecentTag[] {
    const fresh = this.reads.filter((r) => now - r.at <= this.keepMs && r.at <= now);
    this.reads = [];
    return fresh;
  }

  clear(): void {
    this.reads = [];
  }
}
