import type { Clock } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-events.js';
import { classifyStorageError, StoreUnavailableError, type StoreFailure } from './store-failure.js';

export type StoreHealthEvents = {
  /** The store stopped accepting writes: the lane must go fail-secure (deny and refer, alarm). */
  failed: [StoreFailure];
  /** A probe write succeeded again after a failure. */
  recovered: [StoreFailure];
};

/**
 * One place that runs every store operation, classifies what goes wrong and remembers it. Once
 * failed, writes are refused up front (a half-working journal is worse than none: the lane would
 * open the barrier for passages that are not durable), while reads keep working so committed rows
 * stay visible to lanectl. Only a successful probe (see Store) brings the state back to ok.
 */
export class StoreHealth extends TypedEmitter<StoreHealthEvents> {
  private current: StoreFailure | null = null;
  private sinceMs: number;
  private failures = 0;

  constructor(private readonly clock: Clock) {
    super();
    this.sinceMs = clock.now();
  }

  get failure(): StoreFailure | null {
    return this.current;
  }

  get ok(): boolean {
    return this.current === null;
  }

  get since(): number {
    return this.sinceMs;
  }

  get failureCount(): number {
    return this.failures;
  }

  /** Runs a write; refused while failed; a storage error fails the store and is rethrown as StoreUnavailableError. */
  write<T>(operation: string, fn: () => T): T {
    if (this.current !== null) throw new StoreUnavailableError({ ...this.current, operation });
    return this.run(operation, fn);
  }

  /** Runs a read; a storage error (corrupt page, I/O error) fails the store too. */
  read<T>(operation: string, fn: () => T): T {
    return this.run(operation, fn);
  }

  /** Marks the store failed from outside (open-time checks, evidence disk errors). */
  fail(failure: Omit<StoreFailure, 'at'>): StoreFailure {
    const full: StoreFailure = { ...failure, at: this.clock.now() };
    const first = this.current === null;
    if (first) {
      this.current = full;
      this.sinceMs = full.at;
      this.failures += 1;
      this.emit('failed', full);
    }
    return this.current ?? full;
  }

  /** Clears a failure after a successful probe. */
  recover(): void {
    const previous = this.current;
    if (previous === null) return;
    this.current = null;
    this.sinceMs = this.clock.now();
    this.emit('recovered', previous);
  }

  /** Classifies an error: a storage failure fails the store and comes back as StoreUnavailableError. */
  classify(operation: string, err: unknown): unknown {
    const cls = classifyStorageError(err);
    if (cls === null) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(this.fail({ problem: cls.problem, code: cls.code, operation, message }));
  }

  private run<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.classify(operation, err);
    }
  }
}
