/**
 * The lane runner: runs the pure passage flow (people or vehicle) and the pure interlocks in the
 * daemon. Every input (a code scanned, a beam broken, a lookup answered, a timer due, an officer's
 * command) becomes an event on ONE serial queue, so steps never interleave; each step's effects are
 * executed here, and their results come back as new events on the same queue.
 *
 * The runner owns no hardware: ports (ports.ts) reach the store, readers, barriers, display and
 * vision. An adapter that throws becomes an alarm and a fault, never a crash (docs/lanes.md, Runner).
 *
 * This class composes the parts and keeps the Service and control API: runner-core.ts (queue, clock,
 * guarded calls), device-events.ts (device inputs -> events), flow-stepper.ts (the flow and its
 * effects), journal-step.ts, face-steps.ts, lane-outputs.ts, first-position.ts, interlock-runner.ts.
 */
import type { HealthReport, Service } from '../../app/service.js';
import { initialHealth } from '../../app/service.js';
import type { BarrierAction, BarrierPosition, CommandSource, InterlockEvent, InterlockState } from '../interlocks/types.js';
import { DeviceEvents } from './device-events.js';
import { LaneEventLog } from './event-log.js';
import { FaceSteps } from './face-steps.js';
import { FirstPositionWatch } from './first-position.js';
import { FlowStepper, type FlowState } from './flow-stepper.js';
import { InterlockRunner } from './interlock-runner.js';
import { JournalStep } from './journal-step.js';
import { LaneOutputs } from './lane-outputs.js';
import type { Presentation, RunnerPorts } from './ports.js';
import { RecentTags } from './recent-tags.js';
import type { RunnerWiring } from './runner-config.js';
import { RunnerCore } from './runner-core.js';
import { merge, type StepReport } from './step-report.js';

/** How long a tag read before the loop reports the vehicle still counts for its passage. */
const RECENT_TAG_MS = 3_000;

/** Device inputs the adapters feed in (device-adapters.ts). */
export interface RunnerInputs {
  present(p: Presentation): void;
  presence(input: string, active: boolean, at: number): void;
  position(barrier: string, position: BarrierPosition, at: number): void;
  emergency(input: string, active: boolean, at: number): void;
  deviceFault(device: string, reason: string, opts?: { interlock?: boolean }): void;
  deviceOk(device: string, opts?: { interlock?: boolean }): void;
  plate(camera: 'front' | 'rear', read: { text: string; country: string; confidence: number }): void;
  rfid(read: { epc: string; tid: string | null }): void;
}

export interface LaneRunnerOptions {
  wiring: RunnerWiring;
  ports: RunnerPorts;
  /** Subscribes the runner to its devices; returns the unsubscribe. Called by start(). */
  attach?: (inputs: RunnerInputs) => () => void;
  /** Names of services that must run first (the store, the devices). */
  dependsOn?: readonly string[];
}

export class LaneRunner implements Service, RunnerInputs {
  readonly name = 'lane';
  readonly dependsOn: readonly string[];
  readonly events = new LaneEventLog();
  private readonly wiring: RunnerWiring;
  private readonly core: RunnerCore;
  private readonly interlocks: InterlockRunner;
  private readonly firstPosition: FirstPositionWatch;
  private readonly outputs: LaneOutputs;
  private readonly faces: FaceSteps;
  private readonly flow: FlowStepper;
  private readonly devices: DeviceEvents;
  private detach: (() => void) | null = null;
  private readonly stopHooks: Array<() => void> = [];
  private health_: HealthReport;
  passagesDecided = 0;

  constructor(private readonly opts: LaneRunnerOptions) {
    const { wiring, ports } = opts;
    this.wiring = wiring;
    this.dependsOn = opts.dependsOn ?? [];
    const core = (this.core = new RunnerCore(ports, this.events, (err) => this.setHealth('degraded', err instanceof Error ? err.message : String(err))));
    this.interlocks = new InterlockRunner(wiring.interlock, {
      ports,
      now: () => core.now(),
      post: (fn) => core.post(fn),
      note: (type, detail) => core.note(type, detail),
      countAlarm: () => void (core.counts.alarms += 1),
    });
    this.firstPosition = new FirstPositionWatch(wiring.targets);
    this.outputs = new LaneOutputs(core);
    // Tags read while the vehicle lane was idle, replayed into the next read window (recent-tags.ts).
    const recentTags = new RecentTags(RECENT_TAG_MS);
    const stepInterlock = (e: InterlockEvent) => this.stepInterlock(e);
    // The parts answer the flow through the queue; these closures reach the flow built just below.
    this.faces = new FaceSteps(core, { step: (e) => void this.flow.step(e), flow: () => this.flow.state });
    const journal = new JournalStep(core, { step: (e) => void this.flow.step(e), decided: () => void (this.passagesDecided += 1) });
    this.flow = new FlowStepper(core, { wiring, outputs: this.outputs, faces: this.faces, journal, recentTags, stepInterlock, admitting: () => this.devices.admitting() });
    this.devices = new DeviceEvents(core, { wiring, flow: this.flow, firstPosition: this.firstPosition, recentTags, stepInterlock });
    this.health_ = initialHealth(ports.clock.now());
  }

  // ---------------------------------------------------------------------------------------------
  // Service
  // ---------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.core.queue.open();
    this.firstPosition.armAll();
    this.detach = this.opts.attach?.(this) ?? null;
    this.setHealth('ok', null);
    await this.core.enqueue(() => {
      this.outputs.show(this.wiring.kind === 'people' ? 'scan-credential' : 'vehicle-advance');
      this.core.note('lane', { state: 'started', kind: this.wiring.kind });
    });
  }

  async stop(): Promise<void> {
    this.core.queue.close();
    this.detach?.();
    this.detach = null;
    await this.core.queue.drained();
    this.flow.stop();
    this.interlocks.stop();
    this.faces.clear();
    for (const hook of this.stopHooks.splice(0)) hook();
    this.setHealth('stopped', null);
  }

  /** Something built around the runner (the MQTT hold-open timer) that must end with it. */
  onStop(hook: () => void): void {
    this.stopHooks.push(hook);
  }

  health(): HealthReport {
    return { ...this.health_, counters: { ...this.core.counts, passagesDecided: this.passagesDecided } };
  }

  get flowState(): Readonly<FlowState> {
    return this.flow.state;
  }

  get interlockState(): Readonly<InterlockState> {
    return this.interlocks.state;
  }

  get kind(): 'people' | 'vehicle' {
    return this.wiring.kind;
  }

  /** Resolves once every event queued so far has been stepped (tests, control answers). */
  idle(): Promise<void> {
    return this.core.enqueue(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs (device adapters): each becomes a task on the serial queue (device-events.ts)
  // ---------------------------------------------------------------------------------------------

  present(p: Presentation): void {
    this.core.post(() => this.devices.present(p));
  }

  presence(input: string, active: boolean, at: number): void {
    this.core.post(() => this.devices.presence(input, active, at));
  }

  position(barrier: string, position: BarrierPosition, at: number): void {
    this.core.post(() => this.devices.position(barrier, position, at));
  }

  emergency(input: string, active: boolean, at: number): void {
    this.core.post(() => this.devices.emergency(input, active, at));
  }

  deviceFault(device: string, reason: string, opts: { interlock?: boolean } = {}): void {
    this.core.post(() => this.devices.deviceFault(device, reason, opts));
  }

  deviceOk(device: string, opts: { interlock?: boolean } = {}): void {
    this.core.post(() => this.devices.deviceOk(device, opts));
  }

  plate(camera: 'front' | 'rear', read: { text: string; country: string; confidence: number }): void {
    this.core.post(() => this.devices.plate(camera, read));
  }

  rfid(read: { epc: string; tid: string | null }): void {
    this.core.post(() => this.devices.rfid(read));
  }

  // ---------------------------------------------------------------------------------------------
  // Requests (control socket, MQTT): each answers with what the machines did with it
  // ---------------------------------------------------------------------------------------------

  /** A barrier command through the interlocks (never around them). */
  barrierCommand(barrier: string, action: BarrierAction, source: CommandSource): Promise<StepReport> {
    return this.core.enqueue(() => this.stepInterlock({ type: 'command', at: this.core.now(), source, barrier, action }));
  }

  override(officerId: string, outcome: 'grant' | 'deny' | 'refer', reason: string, source: 'lanectl' | 'mqtt'): Promise<StepReport> {
    return this.core.enqueue(() => this.flow.step({ type: 'officer-override', at: this.core.now(), officerId, outcome, reason, source }));
  }

  reset(source: CommandSource): Promise<StepReport> {
    return this.core.enqueue(() => {
      const a = this.stepInterlock({ type: 'reset', at: this.core.now(), source });
      const b = this.flow.step({ type: 'reset', at: this.core.now(), source });
      return merge(a, b);
    });
  }

  freePass(active: boolean): Promise<StepReport> {
    return this.core.enqueue(() => merge(this.stepInterlock({ type: 'free-pass', at: this.core.now(), active }), this.flow.step({ type: 'free-pass', at: this.core.now(), active })));
  }

  /** Closed/maintenance: the flow takes no passages (suspended by the pseudo-device `mode`); doors stay with the interlocks. */
  closedForPassages(reason: string | null): Promise<StepReport> {
    // A mode is a person's decision, recorded as a lane action: not a device-fault alarm.
    const quiet = { quiet: true };
    return this.core.enqueue(() =>
      reason === null
        ? this.flow.step({ type: 'device-ok', at: this.core.now(), device: 'mode' }, quiet)
        : this.flow.step({ type: 'device-fault', at: this.core.now(), device: 'mode', reason }, quiet),
    );
  }

  /** Records an action of a person (technician, officer) for the central system and the event log. */
  recordAction(detail: Record<string, string | number | boolean | null>): void {
    this.core.note('action', detail);
    this.core.guard('journal', () => this.core.ports.journal.publish('event/lane-action', { ...detail, at: this.core.now() }), undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------------

  private stepInterlock(e: InterlockEvent): StepReport {
    const report = this.interlocks.step(e);
    this.firstPosition.claim(report);
    return report;
  }

  private setHealth(state: HealthReport['state'], lastError: string | null): void {
    if (this.health_.state === state && this.health_.lastError === lastError) return;
    this.health_ = { ...this.health_, state, since: this.core.ports.clock.now(), lastError };
  }
}
