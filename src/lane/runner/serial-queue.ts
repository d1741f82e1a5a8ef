/**
 * The runner's ONE serial queue: every input (a code scanned, a beam broken, a lookup answered, a
 * timer due, an officer's command) runs as a task here, one after the other, so steps never
 * interleave and each step sees the state the previous one left.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private accepting = false;

  /** `onThrow` hears of a task that threw: the machines never throw, so that is the runner's own bug. */
  constructor(private readonly onThrow: (err: unknown) => void) {}

  /** From start(): device callbacks and effect answers are taken from now on. */
  open(): void {
    this.accepting = true;
  }

  /** From stop(): late device callbacks and effect answers are dropped, not run on a stopped lane. */
  close(): void {
    this.accepting = false;
  }

  /** Queues work for later (device callbacks, answers of effects); never runs it inside the current step. */
  post(fn: () => void): void {
    if (!this.accepting) return;
    void this.enqueue(fn);
  }

  /** Queues work and answers its result (requests, start, idle); rejects with what the work threw. */
  enqueue<T>(fn: () => T): Promise<T> {
    const run = this.tail.then(() => {
      try {
        return fn();
      } catch (err) {
        this.onThrow(err);
        throw err;
      }
    });
    // One failed task must not stop the ones queued behind it.
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once every task queued so far has run. */
  drained(): Promise<void> {
    return this.tail;
  }
}
