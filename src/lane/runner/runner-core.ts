/**
 * What every part of the lane runner shares: the ports, the clock, the event log, the counters that
 * health() reports, the serial queue, and guarded adapter calls. An adapter that throws becomes an
 * alarm and a fault, never a crash (docs/lanes.md, Runner).
 */
import type { LaneEventLog } from './event-log.js';
import type { RunnerPorts } from './ports.js';
import { SerialQueue } from './serial-queue.js';

export interface RunnerCounts {
  steps: number;
  journaled: number;
  journalFailures: number;
  adapterErrors: number;
  alarms: number;
}

export type EventDetail = Record<string, string | number | boolean | null>;

export class RunnerCore {
  readonly counts: RunnerCounts = { steps: 0, journaled: 0, journalFailures: 0, adapterErrors: 0, alarms: 0 };
  readonly queue: SerialQueue;

  /** `onBug` hears of a queued task that threw (after its alarm), to mark the lane degraded. */
  constructor(
    readonly ports: RunnerPorts,
    private readonly events: LaneEventLog,
    onBug: (err: unknown) => void,
  ) {
    this.queue = new SerialQueue((err) => {
      // The machines never throw; an exception here is the runner's own bug: alarm, keep serving.
      this.adapterFailed('runner', err);
      onBug(err);
    });
  }

  /** The clock's now; a device's own timestamp is taken when it is sane and not in the future. */
  now(at?: number): number {
    const n = this.ports.clock.now();
    return at !== undefined && Number.isFinite(at) && at > 0 ? Math.min(at, n) : n;
  }

  note(type: string, detail: EventDetail): void {
    this.events.add(this.now(), type, detail);
  }

  /** Queues work for later (device callbacks, answers of effects); never runs it inside the current step. */
  post(fn: () => void): void {
    this.queue.post(fn);
  }

  enqueue<T>(fn: () => T): Promise<T> {
    return this.queue.enqueue(fn);
  }

  /** Runs an adapter call; a throw becomes an alarm and the fallback (the step goes on). */
  guard<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.adapterFailed(what, err);
      return fallback;
    }
  }

  adapterFailed(what: string, err: unknown): void {
    this.counts.adapterErrors += 1;
    const why = err instanceof Error ? err.message.slice(0, 120) : 'non-error thrown';
    this.ports.log.error({ adapter: what, err: why }, 'lane adapter failed');
    this.note('adapter-error', { adapter: what, error: why });
    if (what !== 'journal') {
      try {
        this.ports.journal.publish('event/alarm', { source: 'runner', kind: 'adapter-error', reason: `${what}: ${why}`, at: this.now() });
      } catch {
        /* the store is down too: the log line above is all we can do */
      }
    }
  }
}
