/**
 * The lane's event stream for `lanectl events tail` and diagnostics: a bounded ring buffer plus a
 * live emitter. Only names, reason codes, hashed ids and numbers go in (LaneEvent's rule); the
 * runner never puts a payload, a document number or a template here.
 */
import type { LaneControlEvents, LaneEvent } from '../../control/lane-control.js';
import { TypedEmitter } from '../../util/typed-events.js';

export class LaneEventLog extends TypedEmitter<LaneControlEvents> {
  private readonly ring: LaneEvent[] = [];

  constructor(private readonly capacity = 500) {
    super();
  }

  add(at: number, type: string, detail: LaneEvent['detail']): void {
    const event: LaneEvent = { at, type, detail };
    this.ring.push(event);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    // A throwing listener (a control connection gone bad) must not break the runner's step.
    try {
      this.emit('event', event);
    } catch {
      /* listeners are best-effort */
    }
  }

  recent(limit: number): LaneEvent[] {
    const n = Math.max(0, Math.min(Math.floor(limit), this.capacity));
    return n === 0 ? [] : this.ring.slice(-n);
  }
}
