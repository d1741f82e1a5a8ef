/**
 * The safety interlocks as the runner runs them: the pure machine's state, its timers on the
 * injected Clock, and its effects executed (barrier commands, the lane light, alarms). Steps are
 * called from the runner's serial queue only; timer callbacks queue their step there too.
 */
import type { TimerHandle } from '../../util/clock.js';
import type { JsonValue } from '../../store/canonical-json.js';
import { initialInterlockState, stepInterlock } from '../interlocks/interlock-machine.js';
import type { InterlockConfig, InterlockEffect, InterlockEvent, InterlockState } from '../interlocks/types.js';
import type { RunnerPorts } from './ports.js';
import { emptyReport, merge, type StepReport } from './step-report.js';

export interface InterlockHost {
  ports: Pick<RunnerPorts, 'actuators' | 'signals' | 'journal' | 'log' | 'clock'>;
  now(): number;
  /** Queues work on the runner's serial queue. */
  post(fn: () => void): void;
  note(type: string, detail: Record<string, string | number | boolean | null>): void;
  countAlarm(): void;
}

type ClosingAction = 'close' | 'release-hold';

export class InterlockRunner {
  state: InterlockState;
  private readonly timers = new Map<string, TimerHandle>();
  /**
   * Closes the interlocks were holding back for a presence (deferred) that a device fault dropped, or
   * that they refused and forgot when the presence cleared during the fault ("nothing closes while
   * faulted"): barrier -> the closing movement still owed. The machine re-asks,
   * on recovery, only a close it had SENT; a deferred one was forgotten, and the flow had already
   * counted the barrier as closed. Found by the chaos run: a PLC restart whose fault came back for a
   * moment right after the link did left the vehicle boom open on an idle lane.
   */
  private readonly owed = new Map<string, ClosingAction>();

  constructor(
    private readonly config: InterlockConfig,
    private readonly host: InterlockHost,
  ) {
    this.state = initialInterlockState(config);
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  step(e: InterlockEvent): StepReport {
    const before = this.state;
    const step = stepInterlock(this.config, before, e);
    this.state = step.state;
    const report = emptyReport();
    for (const effect of step.effects) this.exec(effect, report);
    if (Object.keys(this.state.faults).length > 0) this.noteDroppedCloses(before, report);
    if (e.type === 'device-ok' && Object.keys(this.state.faults).length === 0) this.reaskOwedCloses(report);
    return report;
  }

  /**
   * While the lane is faulted, a deferred close that this step dropped (the fault itself, or the presence
   * clearing during the fault: the machine refuses the close then and forgets it) without moving that
   * barrier instead is owed.
   */
  private noteDroppedCloses(before: InterlockState, report: StepReport): void {
    for (const [id, was] of Object.entries(before.barriers)) {
      const pending = was.pendingClose;
      if (pending === null || this.state.barriers[id]?.pendingClose !== null) continue;
      if (report.actuated.some((a) => a.barrier === id)) continue; // held open as its fail state: released on recovery by the machine
      this.owed.set(id, pending);
      this.host.note('close-owed', { barrier: id, action: pending });
    }
  }

  /**
   * Every fault cleared: each owed close is asked for again through the machine, so it is guarded as
   * any close (deferred while a presence input is active or unknown, sent once they are all clear).
   * A barrier already closed(-ing), or closing again by the machine's own re-ask, needs nothing.
   */
  private reaskOwedCloses(report: StepReport): void {
    for (const [id, action] of [...this.owed]) {
      this.owed.delete(id);
      const bs = this.state.barriers[id];
      if (!bs || bs.position === 'closed' || bs.position === 'closing' || bs.pendingClose !== null) continue;
      if (report.actuated.some((a) => a.barrier === id && (a.action === 'close' || a.action === 'release-hold'))) continue;
      this.host.note('close-reasked', { barrier: id, action });
      merge(report, this.step({ type: 'command', at: this.host.now(), source: 'local', barrier: id, action }));
    }
  }

  private exec(effect: InterlockEffect, report: StepReport): void {
    switch (effect.type) {
      case 'actuate': {
        // Whatever moves the barrier now (an open for a grant or an officer, a close) supersedes an owed close.
        this.owed.delete(effect.barrier);
        report.actuated.push({ barrier: effect.barrier, action: effect.action });
        report.changed = true;
        this.host.note('actuate', { barrier: effect.barrier, action: effect.action, reason: effect.reason });
        const { barrier, action } = effect;
        this.host.ports.actuators.command(barrier, action).catch((err: unknown) => {
          // The driver's own safety layer (or a lost link) refused: the interlocks stay authoritative.
          const why = err instanceof Error ? err.message.slice(0, 160) : 'command failed';
          this.host.ports.log.warn({ barrier, action, err: why }, 'barrier command failed');
          this.host.post(() => this.host.note('actuate-failed', { barrier, action, error: why }));
        });
        return;
      }
      case 'signal':
        report.changed = true;
        this.host.note('signal', { aspect: effect.aspect });
        this.host.ports.signals?.show(effect.aspect).catch((err: unknown) => this.host.ports.log.warn({ err: String(err) }, 'signal write failed'));
        return;
      case 'alarm':
        report.changed = true;
        this.host.countAlarm();
        this.host.note('alarm', { source: 'interlock', code: effect.code, raised: effect.raised, detail: effect.detail.slice(0, 160) });
        this.publish({ source: 'interlock', code: effect.code, raised: effect.raised, detail: effect.detail.slice(0, 160), at: this.host.now() });
        this.host.ports.log.warn({ code: effect.code, raised: effect.raised, detail: effect.detail }, 'interlock alarm');
        return;
      case 'reject':
        report.rejects.push({ ...(effect.barrier ? { barrier: effect.barrier } : {}), reason: effect.reason });
        this.host.note('reject', { event: effect.event, barrier: effect.barrier ?? null, reason: effect.reason });
        return;
      case 'deferred':
        report.deferred.push({ barrier: effect.barrier, waitingFor: effect.waitingFor });
        report.changed = true;
        this.host.note('deferred', { barrier: effect.barrier, waitingFor: effect.waitingFor.join(',') });
        return;
      case 'set-timer': {
        this.timers.get(effect.key)?.cancel();
        const { key, dueAt } = effect;
        this.timers.set(
          key,
          this.host.ports.clock.setTimeout(() => {
            this.timers.delete(key);
            this.host.post(() => this.step({ type: 'timer', at: Math.max(this.host.now(), dueAt), key }));
          }, Math.max(0, dueAt - this.host.now())),
        );
        return;
      }
      case 'cancel-timer':
        this.timers.get(effect.key)?.cancel();
        this.timers.delete(effect.key);
        return;
    }
  }

  /** Alarms go to the central system through the outbox; a store that refuses is logged, never thrown. */
  private publish(payload: JsonValue): void {
    try {
      this.host.ports.journal.publish('event/alarm', payload);
    } catch (err) {
      this.host.ports.log.error({ err: err instanceof Error ? err.message : String(err) }, 'interlock alarm not queued');
    }
  }
}
