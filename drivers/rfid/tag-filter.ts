/**
 * De-duplicates tag reads and drops weak ones, so the lane sees one `tag` event per vehicle passage
 * instead of hundreds of reads per second while a truck stands in the field.
 *
 * - A read below `minRssi` dBm is dropped (`weak`): a tag in the next lane, or reflected, reads weakly.
 *   Reads without RSSI (readers that do not report it) are never dropped for it.
 * - A tag is reported again only after it has been out of sight for `dedupeWindowMs` (the window
 *   slides with every sighting): a parked truck gives one event, the same truck coming back later another.
 * One filter per lane: the app may share one instance between the readers of a lane (antennas on both
 * sides of the truck) by passing it to each driver.
 */
export interface TagFilterOptions {
  dedupeWindowMs: number;
  minRssi: number | null;
  /** Memory bound: tags remembered at most (oldest sightings forgotten first). Default 4096. */
  maxTracked?: number;
}

export type TagVerdict = 'new' | 'duplicate' | 'weak';

export class TagFilter {
  private readonly windowMs: number;
  private readonly minRssi: number | null;
  private readonly maxTracked: number;
  /** EPC -> last sighting (monotonic ms), in order of last sighting. */
  private readonly lastSeen = new Map<string, number>();

  constructor(opts: TagFilterOptions) {
    this.windowMs = opts.dedupeWindowMs;
    this.minRssi = opts.minRssi;
    this.maxTracked = opts.maxTracked ?? 4096;
  }

  check(epc: string, rssi: number | null, atMs: number): TagVerdict {
    if (this.minRssi !== null && rssi !== null && rssi < this.minRssi) return 'weak';
    const previous = this.lastSeen.get(epc);
    this.lastSeen.delete(epc); // re-insert: keeps the map ordered by last sighting
    this.lastSeen.set(epc, atMs);
    if (this.lastSeen.size > this.maxTracked) this.prune(atMs);
    return previous !== undefined && atMs - previous < this.windowMs ? 'duplicate' : 'new';
  }

  reset(): void {
    this.lastSeen.clear();
  }

  get tracked(): number {
    return this.lastSeen.size;
  }

  private prune(atMs: number): void {
    for (const [epc, at] of this.lastSeen) {
      if (this.lastSeen.size <= this.maxTracked && atMs - at < this.windowMs) break;
      this.lastSeen.delete(epc);
    }
  }
}
