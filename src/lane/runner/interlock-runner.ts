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
import { emptyReport, type StepReport } from './step-report.js';

export interface InterlockHost {
  ports: Pick<RunnerPorts, 'actuators' | 'signals' | 'journal' | 'log' | 'clock'>;
  now(): number;
  /** Queues work on the runner's serial queue. */
  post(fn: () => void): void;
  note(type: string, detail: Record<string, string | number | boolean | null>): void;
  countAlarm(): void;
}

export class InterlockRunner {
  state: InterlockState;
  private readonly timers = new Map<string, TimerHandle>();

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
    const step = stepInterlock(this.config, this.state, e);
    this.state = step.state;
    const report = emptyReport();
    for (const effect of step.effects) this.exec(effect, report);
    return report;
  }

  private exec(effect: InterlockEffect, report: StepReport): void {
    switch (effect.type) {
      case 'actuate': {
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
      case 'close-owed':
      case 'close-reasked':
        // The machine's own bookkeeping of a close a fault dropped (the re-asked close follows as its own effect).
        this.host.note(effect.type, { barrier: effect.barrier, action: effect.action });
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
