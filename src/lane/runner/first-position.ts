/**
 * After a restart nothing of ours holds a barrier open: the first known position of each flow target
 * that is not closed(-ing) goes to the flow as `found-open`, which asks the interlocks to close it
 * (deferred while presence is active or not yet reported) once the lane is idle and in service.
 * This watch decides which position report is such a first one.
 */
import type { ActuatorTarget } from '../flow-types.js';
import type { BarrierPosition } from '../interlocks/types.js';
import type { RunnerWiring } from './runner-config.js';
import type { StepReport } from './step-report.js';

export class FirstPositionWatch {
  /**
   * Flow targets (barrier name -> target) whose first position report since start is still to come:
   * one reported open then had no passage of this process behind it (a restart) and is secured.
   */
  private readonly pending = new Map<string, ActuatorTarget>();

  constructor(private readonly targets: RunnerWiring['targets']) {}

  /** At start every wired flow target's first position is awaited. */
  armAll(): void {
    for (const [target, barrier] of this.wired()) {
      if (barrier !== undefined) this.pending.set(barrier, target);
    }
  }

  /**
   * A barrier whose link was lost (PLC restart, cable) comes back in whatever position its controller
   * restarted in, and nothing we hold survives the loss: its first position after the fault is judged
   * like one after our own restart (chaos run: a restarted PLC reported the boom opened on an idle lane).
   */
  rearm(device: string): void {
    const name = device.split(':')[0];
    for (const [target, barrier] of this.wired()) {
      if (barrier !== undefined && barrier === name) this.pending.set(barrier, target);
    }
  }

  /** The flow target found open, when this is the barrier's first known position and it is not closed(-ing). */
  foundOpen(barrier: string, position: BarrierPosition): ActuatorTarget | null {
    const target = this.pending.get(barrier);
    if (target === undefined || position === 'unknown') return null;
    this.pending.delete(barrier);
    if (position === 'closed' || position === 'closing') return null;
    return target;
  }

  /** Once this process moved (or asked to close) a barrier, its position is ours, not left over from before the start. */
  claim(report: StepReport): void {
    for (const x of [...report.actuated, ...report.deferred]) this.pending.delete(x.barrier);
  }

  private wired(): Array<[ActuatorTarget, string | undefined]> {
    return Object.entries(this.targets) as Array<[ActuatorTarget, string | undefined]>;
  }
}
