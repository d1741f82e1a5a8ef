/**
 * Group commit for the passage journal. better-sqlite3 commits synchronously, so the only way
 * to share one fsync between several passages is to collect them first: submit() queues a
 * passage and schedules one flush for the next turn of the event loop (setImmediate: after the
 * I/O callbacks of this turn, so every passage that became ready in it is in the batch, including
 * those that arrived while the previous commit blocked the loop). The flush commits the queue in
 * call order as one transaction; each caller's promise settles only after the commit returned,
 * i.e. after ITS batch was fsynced (synchronous=FULL).
 *
 * The commit function reports, per passage, either its result or the error that refused just
 * that passage (a caller-supplied duplicate id, say); an error thrown by the commit itself
 * (a full disk, an I/O error) fails every caller of the batch, and the transaction rolled back
 * as a whole.
 */
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Waiting<I, R> {
  item: I;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Largest batch per transaction; the rest waits for the next flush. Default 512. */
  maxBatch?: number;
  /** How the flush is scheduled; default setImmediate. Tests with fake timers may pass their own. */
  schedule?: (fn: () => void) => void;
}

export class GroupCommit<I, R> {
  private queue: Waiting<I, R>[] = [];
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly schedule: (fn: () => void) => void;
  private batchesCommitted = 0;
  private itemsCommitted = 0;

  constructor(
    private readonly commit: (items: readonly I[]) => BatchOutcome<R>[],
    opts: GroupCommitOptions = {},
  ) {
    this.maxBatch = Math.max(1, Math.trunc(opts.maxBatch ?? 512));
    this.schedule = opts.schedule ?? ((fn) => void setImmediate(fn));
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flushScheduled());
      }
    });
  }

  /** Passages queued and not yet committed. */
  get pending(): number {
    return this.queue.length;
  }

  /** Batches and passages committed so far (the bench reports the mean batch size). */
  get stats(): { batches: number; items: number } {
    return { batches: this.batchesCommitted, items: this.itemsCommitted };
  }

  /** Commits everything queued now (the store calls this before it closes the database). */
  flushAll(): void {
    while (this.queue.length > 0) this.flushOne();
  }

  private flushScheduled(): void {
    this.scheduled = false;
    this.flushOne();
    if (this.queue.length > 0 && !this.scheduled) {
      // More than maxBatch were waiting: the rest goes next turn, so the loop is not held longer.
      this.scheduled = true;
      this.schedule(() => this.flushScheduled());
    }
  }

  private flushOne(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    let outcomes: BatchOutcome<R>[];
    try {
      outcomes = this.commit(batch.map((w) => w.item));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    this.batchesCommitted += 1;
    batch.forEach((w, i) => {
      const o = outcomes[i];
      if (o === undefined) w.reject(new Error('group commit returned no outcome for a passage'));
      else if (o.ok) {
        this.itemsCommitted += 1;
        w.resolve(o.value);
      } else w.reject(o.error);
    });
  }
}
