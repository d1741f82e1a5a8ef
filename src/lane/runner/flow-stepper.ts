/**
 * The passage flow as the runner runs it: the pure machine's state (people or vehicle), its single
 * timer on the injected Clock, and its effects executed. Lookups, captures and journal answers come
 * back as new flow events on the serial queue; barrier movements go to the interlocks (never around them).
 */
import type { TimerHandle } from '../../util/clock.js';
import { unavailableFacts, type FlowEffect, type FlowStep, type PeopleFlowEvent, type VehicleFlowEvent } from '../flow-types.js';
import type { InterlockEvent } from '../interlocks/types.js';
import { initialPeopleState, stepPeople } from '../people/people-machine.js';
import type { PeopleFlowState } from '../people/people-types.js';
import { initialVehicleState, stepVehicle } from '../vehicle/vehicle-machine.js';
import type { VehicleFlowState } from '../vehicle/vehicle-types.js';
import type { FaceSteps } from './face-steps.js';
import type { JournalStep } from './journal-step.js';
import type { LaneOutputs } from './lane-outputs.js';
import type { RecentTags } from './recent-tags.js';
import type { RunnerWiring } from './runner-config.js';
import type { RunnerCore } from './runner-core.js';
import { emptyReport, merge, type StepReport } from './step-report.js';

export type FlowEvent = PeopleFlowEvent | VehicleFlowEvent;
export type FlowState = PeopleFlowState | VehicleFlowState;

/** The runner's other parts the flow's effects reach. */
export interface FlowParts {
  wiring: RunnerWiring;
  outputs: LaneOutputs;
  faces: FaceSteps;
  journal: JournalStep;
  /** Tags read while the vehicle lane was idle, replayed into the next read window (recent-tags.ts). */
  recentTags: RecentTags;
  /** Steps the interlocks (the flow's barrier movements are requests to them). */
  stepInterlock(e: InterlockEvent): StepReport;
  /** The entry door opens to admit: the entry beam counts persons into the mantrap anew. */
  admitting(): void;
}

export class FlowStepper {
  private flow: FlowState;
  private timer: { name: string; handle: TimerHandle } | null = null;

  constructor(
    private readonly core: RunnerCore,
    private readonly parts: FlowParts,
  ) {
    this.flow = parts.wiring.kind === 'people' ? initialPeopleState() : initialVehicleState();
  }

  get state(): Readonly<FlowState> {
    return this.flow;
  }

  /** quiet: a device-fault alarm is not raised (a mode is a person's decision, not a fault). */
  step(e: FlowEvent, opts: { quiet?: boolean } = {}): StepReport {
    const { core } = this;
    core.counts.steps += 1;
    let step: FlowStep<FlowState>;
    if (this.parts.wiring.kind === 'people') {
      const w = this.parts.wiring;
      step = stepPeople({ policy: core.ports.policy(), timeouts: w.timeouts, faceFrames: w.faceFrames, maxFaceAttempts: w.maxFaceAttempts }, this.flow as PeopleFlowState, e as PeopleFlowEvent);
    } else {
      const w = this.parts.wiring;
      step = stepVehicle({ policy: core.ports.policy(), timeouts: w.timeouts, rearCamera: w.rearCamera }, this.flow as VehicleFlowState, e as VehicleFlowEvent);
    }
    const before = this.flow;
    this.flow = step.state;
    if (before.phase !== step.state.phase) core.note('phase', { from: before.phase, to: step.state.phase });
    if (before.passage && before.passage.ref !== step.state.passage?.ref) this.parts.faces.forget(before.passage.ref);
    const report = emptyReport();
    report.changed = step.effects.some((x) => x.type !== 'ignored') || before.phase !== step.state.phase;
    for (const effect of step.effects) {
      if (opts.quiet && effect.type === 'alarm' && effect.kind === 'device-fault') continue;
      if (effect.type === 'ignored') {
        report.flowIgnored.push(effect.reason);
        core.ports.log.debug({ event: effect.event, reason: effect.reason }, 'flow ignored event');
        continue;
      }
      merge(report, this.exec(effect));
    }
    return report;
  }

  /** The lane stops: the armed timer must not fire into a stopped runner. */
  stop(): void {
    this.timer?.handle.cancel();
    this.timer = null;
  }

  private exec(effect: FlowEffect): StepReport {
    const { core, parts } = this;
    const report = emptyReport();
    switch (effect.type) {
      case 'lookup-credential':
      case 'lookup-vehicle': {
        const evidence = effect.type === 'lookup-credential' ? { credential: effect.credential, vehicle: effect.vehicle } : { vehicle: effect.vehicle, credential: effect.credential };
        const facts = core.guard('store', () => core.ports.facts.factsFor(evidence, { now: core.now() }), null);
        core.post(() => this.step({ type: 'facts', at: core.now(), passage: effect.passage, facts: facts ?? unavailableFacts() }));
        return report;
      }
      case 'capture-faces':
        parts.faces.capture(effect.passage, effect.frames);
        return report;
      case 'recognise-face':
        parts.faces.recognise(effect.passage, effect.subjectId);
        return report;
      case 'journal':
        parts.journal.append(effect.passage, effect.record);
        return report;
      case 'actuate': {
        const barrier = parts.wiring.targets[effect.target];
        if (barrier === undefined) {
          parts.outputs.alarm(effect.passage, 'internal-error', `no barrier wired for ${effect.target}`);
          return report;
        }
        core.note('actuate-request', { passage: effect.passage, target: effect.target, action: effect.action, purpose: effect.purpose });
        if (effect.target === 'entry-door' && effect.action === 'open' && effect.purpose === 'admit') parts.admitting();
        const e: InterlockEvent =
          effect.purpose === 'grant' && effect.action === 'open'
            ? { type: 'grant', at: core.now(), source: 'local', barrier }
            : { type: 'command', at: core.now(), source: 'local', barrier, action: effect.action };
        return parts.stepInterlock(e);
      }
      case 'display':
        parts.outputs.show(effect.screen, effect.nationality ?? null, effect.reason);
        return report;
      case 'alarm':
        parts.outputs.alarm(effect.passage, effect.kind, effect.reason);
        return report;
      case 'set-timer': {
        this.timer?.handle.cancel();
        const { name, dueAt } = effect;
        const handle = core.ports.clock.setTimeout(() => core.post(() => this.fire(name, dueAt)), Math.max(0, effect.ms));
        this.timer = { name, handle };
        return report;
      }
      case 'cancel-timer':
        if (this.timer?.name === effect.name) {
          this.timer.handle.cancel();
          this.timer = null;
        }
        return report;
      case 'open-read-window': {
        core.guard('readers', () => core.ports.readers?.openReadWindow(effect.ms), undefined);
        // Queued behind the current step, so the flow is in its reading phase when they arrive.
        for (const tag of parts.recentTags.take(core.now())) {
          core.post(() => this.step({ type: 'rfid-read', at: core.now(), rfid: { epc: tag.epc, tid: tag.tid } }));
        }
        return report;
      }
      case 'close-read-window':
        core.guard('readers', () => core.ports.readers?.closeReadWindow(), undefined);
        return report;
      default:
        return report;
    }
  }

  private fire(name: string, dueAt: number): void {
    if (this.timer?.name === name) this.timer = null;
    // A timer callback may run a hair early by the wall clock; the machine's check is against dueAt.
    this.step({ type: 'timer', at: Math.max(this.core.now(), dueAt), name });
  }
}
