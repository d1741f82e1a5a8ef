/**
 * The lane runner: runs the pure passage flow (people or vehicle) and the pure interlocks in the
 * daemon. Every input (a code scanned, a beam broken, a lookup answered, a timer due, an officer's
 * command) becomes an event on ONE serial queue, so steps never interleave; each step's effects are
 * executed here, and their results come back as new events on the same queue.
 *
 * The runner owns no hardware: ports (ports.ts) reach the store, readers, barriers, display and
 * vision. An adapter that throws becomes an alarm and a fault, never a crash (docs/lanes.md, Runner).
 */
import type { HealthReport, Service } from '../../app/service.js';
import { initialHealth } from '../../app/service.js';
import type { FaceEvidence } from '../../decision/types.js';
import type { TimerHandle } from '../../util/clock.js';
import { unavailableFacts, type ActuatorTarget, type FlowEffect, type FlowStep, type PeopleFlowEvent, type VehicleFlowEvent } from '../flow-types.js';
import type { BarrierAction, BarrierPosition, CommandSource, InterlockEvent, InterlockState } from '../interlocks/types.js';
import { initialPeopleState, stepPeople } from '../people/people-machine.js';
import type { PeopleFlowState } from '../people/people-types.js';
import { initialVehicleState, stepVehicle } from '../vehicle/vehicle-machine.js';
import type { VehicleFlowState } from '../vehicle/vehicle-types.js';
import { LaneEventLog } from './event-log.js';
import { InterlockRunner } from './interlock-runner.js';
import { emptyReport, merge, type StepReport } from './step-report.js';
import type { FaceCapture, Presentation, RunnerPorts } from './ports.js';
import type { RunnerWiring } from './runner-config.js';
import { RecentTags } from './recent-tags.js';

/** How long a tag read before the loop reports the vehicle still counts for its passage. */
const RECENT_TAG_MS = 3_000;

type FlowEvent = PeopleFlowEvent | VehicleFlowEvent;
type FlowState = PeopleFlowState | VehicleFlowState;

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
  private readonly ports: RunnerPorts;
  private flow: FlowState;
  private readonly interlocks: InterlockRunner;
  private queue: Promise<void> = Promise.resolve();
  private flowTimer: { name: string; handle: TimerHandle } | null = null;
  /** Live templates of the passage being captured: memory only, dropped when the passage ends. */
  private readonly templates = new Map<string, FaceCapture>();
  private readonly emergencyInputs = new Set<string>();
  /** Tags read while the vehicle lane was idle, replayed into the next read window (recent-tags.ts). */
  private readonly recentTags = new RecentTags(RECENT_TAG_MS);
  private entryCount = 0;
  /**
   * Flow targets (barrier name -> target) whose first position report since start is still to come:
   * one reported open then had no passage of this process behind it (a restart) and is secured.
   */
  private readonly firstPosition = new Map<string, ActuatorTarget>();
  private detach: (() => void) | null = null;
  private readonly stopHooks: Array<() => void> = [];
  private running = false;
  private health_: HealthReport;
  private readonly counts = { steps: 0, journaled: 0, journalFailures: 0, adapterErrors: 0, alarms: 0 };
  passagesDecided = 0;

  constructor(private readonly opts: LaneRunnerOptions) {
    this.wiring = opts.wiring;
    this.ports = opts.ports;
    this.dependsOn = opts.dependsOn ?? [];
    this.flow = this.wiring.kind === 'people' ? initialPeopleState() : initialVehicleState();
    this.interlocks = new InterlockRunner(this.wiring.interlock, {
      ports: this.ports,
      now: () => this.now(),
      post: (fn) => this.post(fn),
      note: (type, detail) => this.note(type, detail),
      countAlarm: () => void (this.counts.alarms += 1),
    });
    this.health_ = initialHealth(this.ports.clock.now());
  }

  // ---------------------------------------------------------------------------------------------
  // Service
  // ---------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    this.running = true;
    for (const [target, barrier] of Object.entries(this.wiring.targets) as Array<[ActuatorTarget, string | undefined]>) {
      if (barrier !== undefined) this.firstPosition.set(barrier, target);
    }
    this.detach = this.opts.attach?.(this) ?? null;
    this.setHealth('ok', null);
    await this.enqueue(() => {
      this.show(this.wiring.kind === 'people' ? 'scan-credential' : 'vehicle-advance');
      this.note('lane', { state: 'started', kind: this.wiring.kind });
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.detach?.();
    this.detach = null;
    await this.queue;
    this.flowTimer?.handle.cancel();
    this.flowTimer = null;
    this.interlocks.stop();
    this.templates.clear();
    for (const hook of this.stopHooks.splice(0)) hook();
    this.setHealth('stopped', null);
  }

  /** Something built around the runner (the MQTT hold-open timer) that must end with it. */
  onStop(hook: () => void): void {
    this.stopHooks.push(hook);
  }

  health(): HealthReport {
    return { ...this.health_, counters: { ...this.counts, passagesDecided: this.passagesDecided } };
  }

  get flowState(): Readonly<FlowState> {
    return this.flow;
  }

  get interlockState(): Readonly<InterlockState> {
    return this.interlocks.state;
  }

  get kind(): 'people' | 'vehicle' {
    return this.wiring.kind;
  }

  /** Resolves once every event queued so far has been stepped (tests, control answers). */
  idle(): Promise<void> {
    return this.enqueue(() => undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs (device adapters)
  // ---------------------------------------------------------------------------------------------

  present(p: Presentation): void {
    this.post(() => {
      const at = this.now();
      const r = this.guard('credentials', () => this.ports.credentials.evidenceOf(p), { ok: false as const, problem: 'credential-adapter-error' });
      this.note('credential', r.ok ? { reader: p.reader, kind: r.credential.kind, valid: r.credential.verification.valid } : { reader: p.reader, problem: r.problem });
      if (this.wiring.kind === 'vehicle' && this.flow.phase !== 'awaiting-driver') return; // a driver's pass only when asked
      this.stepFlow(r.ok ? { type: 'credential-presented', at, credential: r.credential } : { type: 'credential-presented', at, credential: null, problem: r.problem });
    });
  }

  presence(input: string, active: boolean, at: number): void {
    this.post(() => {
      this.note('presence', { input, active });
      this.stepInterlock({ type: 'presence', at: this.now(at), input, active });
      const w = this.wiring;
      if (w.kind === 'people' && input === w.entryBeam) {
        if (active) this.entryCount += 1;
        this.stepFlow({ type: 'entry-beam', at: this.now(at), count: this.entryCount, clear: !active });
      } else if (w.kind === 'people' && input === w.exitBeam) {
        this.stepFlow({ type: 'exit-beam', at: this.now(at), clear: !active });
      } else if (w.kind === 'vehicle' && input === w.loop) {
        this.stepFlow({ type: 'loop', at: this.now(at), occupied: active });
      }
    });
  }

  position(barrier: string, position: BarrierPosition, at: number): void {
    this.post(() => {
      this.note('position', { barrier, position });
      this.stepInterlock({ type: 'position', at: this.now(at), barrier, position });
      // The people flow counts the entry beam until the entry door is confirmed closed behind the traveller.
      const w = this.wiring;
      if (w.kind === 'people' && barrier === w.targets['entry-door']) this.stepFlow({ type: 'entry-door', at: this.now(at), closed: position === 'closed' });
      this.checkFirstPosition(barrier, position, at);
    });
  }

  /**
   * After a restart nothing of ours holds a barrier open: the first known position of each flow target
   * that is not closed(-ing) goes to the flow as `found-open`, which asks the interlocks to close it
   * (deferred while presence is active or not yet reported) once the lane is idle and in service.
   */
  /**
   * A barrier whose link was lost (PLC restart, cable) comes back in whatever position its controller
   * restarted in, and nothing we hold survives the loss: its first position after the fault is judged
   * like one after our own restart (chaos run: a restarted PLC reported the boom opened on an idle lane).
   */
  private rearmFirstPosition(device: string): void {
    const name = device.split(':')[0];
    for (const [target, barrier] of Object.entries(this.wiring.targets) as Array<[ActuatorTarget, string | undefined]>) {
      if (barrier !== undefined && barrier === name) this.firstPosition.set(barrier, target);
    }
  }

  private checkFirstPosition(barrier: string, position: BarrierPosition, at: number): void {
    const target = this.firstPosition.get(barrier);
    if (target === undefined || position === 'unknown') return;
    this.firstPosition.delete(barrier);
    if (position === 'closed' || position === 'closing') return;
    this.note('found-open', { barrier, position });
    this.stepFlow({ type: 'found-open', at: this.now(at), target });
  }

  emergency(input: string, active: boolean, at: number): void {
    this.post(() => {
      const before = this.emergencyInputs.size > 0;
      if (active) this.emergencyInputs.add(input);
      else this.emergencyInputs.delete(input);
      this.note('emergency', { input, active });
      this.stepInterlock({ type: 'emergency', at: this.now(at), input, active });
      const after = this.emergencyInputs.size > 0;
      if (before !== after || active) this.stepFlow({ type: 'emergency', at: this.now(at), active: after });
    });
  }

  deviceFault(device: string, reason: string, opts: { interlock?: boolean } = {}): void {
    this.post(() => {
      this.note('device', { device, state: 'fault', reason: reason.slice(0, 120) });
      this.rearmFirstPosition(device);
      if (opts.interlock) this.stepInterlock({ type: 'device-fault', at: this.now(), device, reason });
      if (this.wiring.neededDevices.includes(device.split(':')[0]!)) this.stepFlow({ type: 'device-fault', at: this.now(), device, reason });
    });
  }

  deviceOk(device: string, opts: { interlock?: boolean } = {}): void {
    this.post(() => {
      this.note('device', { device, state: 'ok' });
      if (opts.interlock) this.stepInterlock({ type: 'device-ok', at: this.now(), device });
      this.stepFlow({ type: 'device-ok', at: this.now(), device });
    });
  }

  plate(camera: 'front' | 'rear', read: { text: string; country: string; confidence: number }): void {
    this.post(() => {
      this.note('plate', { camera, country: read.country, confidence: Math.round(read.confidence * 1000) / 1000 });
      this.stepFlow({ type: 'plate-read', at: this.now(), camera, plate: read });
    });
  }

  rfid(read: { epc: string; tid: string | null }): void {
    this.post(() => {
      this.note('rfid', { tag: true });
      // Readers report upper-case hex; the decision engine takes lower-case (the store accepts either).
      const rfid = { epc: read.epc.toLowerCase(), tid: read.tid === null ? null : read.tid.toLowerCase() };
      // A tag seen before the loop reports the vehicle is kept for the read window (recent-tags.ts).
      if (this.wiring.kind === 'vehicle' && this.flow.phase === 'idle') this.recentTags.add({ at: this.now(), ...rfid });
      this.stepFlow({ type: 'rfid-read', at: this.now(), rfid });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Requests (control socket, MQTT): each answers with what the machines did with it
  // ---------------------------------------------------------------------------------------------

  /** A barrier command through the interlocks (never around them). */
  barrierCommand(barrier: string, action: BarrierAction, source: CommandSource): Promise<StepReport> {
    return this.enqueue(() => this.stepInterlock({ type: 'command', at: this.now(), source, barrier, action }));
  }

  override(officerId: string, outcome: 'grant' | 'deny' | 'refer', reason: string, source: 'lanectl' | 'mqtt'): Promise<StepReport> {
    return this.enqueue(() => this.stepFlow({ type: 'officer-override', at: this.now(), officerId, outcome, reason, source }));
  }

  reset(source: CommandSource): Promise<StepReport> {
    return this.enqueue(() => {
      const a = this.stepInterlock({ type: 'reset', at: this.now(), source });
      const b = this.stepFlow({ type: 'reset', at: this.now(), source });
      return merge(a, b);
    });
  }

  freePass(active: boolean): Promise<StepReport> {
    return this.enqueue(() => merge(this.stepInterlock({ type: 'free-pass', at: this.now(), active }), this.stepFlow({ type: 'free-pass', at: this.now(), active })));
  }

  /** Closed/maintenance: the flow takes no passages (suspended by the pseudo-device `mode`); doors stay with the interlocks. */
  closedForPassages(reason: string | null): Promise<StepReport> {
    // A mode is a person's decision, recorded as a lane action: not a device-fault alarm.
    const quiet = { quiet: true };
    return this.enqueue(() =>
      reason === null
        ? this.stepFlow({ type: 'device-ok', at: this.now(), device: 'mode' }, quiet)
        : this.stepFlow({ type: 'device-fault', at: this.now(), device: 'mode', reason }, quiet),
    );
  }

  /** Records an action of a person (technician, officer) for the central system and the event log. */
  recordAction(detail: Record<string, string | number | boolean | null>): void {
    this.note('action', detail);
    this.guard('journal', () => this.ports.journal.publish('event/lane-action', { ...detail, at: this.now() }), undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Stepping
  // ---------------------------------------------------------------------------------------------

  private stepFlow(e: FlowEvent, opts: { quiet?: boolean } = {}): StepReport {
    this.counts.steps += 1;
    let step: FlowStep<FlowState>;
    if (this.wiring.kind === 'people') {
      const w = this.wiring;
      step = stepPeople({ policy: this.ports.policy(), timeouts: w.timeouts, faceFrames: w.faceFrames, maxFaceAttempts: w.maxFaceAttempts }, this.flow as PeopleFlowState, e as PeopleFlowEvent);
    } else {
      const w = this.wiring;
      step = stepVehicle({ policy: this.ports.policy(), timeouts: w.timeouts, rearCamera: w.rearCamera }, this.flow as VehicleFlowState, e as VehicleFlowEvent);
    }
    const before = this.flow;
    this.flow = step.state;
    if (before.phase !== step.state.phase) this.note('phase', { from: before.phase, to: step.state.phase });
    if (before.passage && before.passage.ref !== step.state.passage?.ref) this.templates.delete(before.passage.ref);
    const report = emptyReport();
    report.changed = step.effects.some((x) => x.type !== 'ignored') || before.phase !== step.state.phase;
    for (const effect of step.effects) {
      if (opts.quiet && effect.type === 'alarm' && effect.kind === 'device-fault') continue;
      if (effect.type === 'ignored') {
        report.flowIgnored.push(effect.reason);
        this.ports.log.debug({ event: effect.event, reason: effect.reason }, 'flow ignored event');
        continue;
      }
      merge(report, this.execFlow(effect));
    }
    return report;
  }

  private execFlow(effect: FlowEffect): StepReport {
    const report = emptyReport();
    switch (effect.type) {
      case 'lookup-credential':
      case 'lookup-vehicle': {
        const evidence = effect.type === 'lookup-credential' ? { credential: effect.credential, vehicle: effect.vehicle } : { vehicle: effect.vehicle, credential: effect.credential };
        const facts = this.guard('store', () => this.ports.facts.factsFor(evidence, { now: this.now() }), null);
        this.post(() => this.stepFlow({ type: 'facts', at: this.now(), passage: effect.passage, facts: facts ?? unavailableFacts() }));
        return report;
      }
      case 'capture-faces':
        this.captureFaces(effect.passage, effect.frames);
        return report;
      case 'recognise-face':
        this.recogniseFace(effect.passage, effect.subjectId);
        return report;
      case 'journal':
        this.journal(effect.passage, effect.record);
        return report;
      case 'actuate': {
        const barrier = this.wiring.targets[effect.target];
        if (barrier === undefined) {
          this.alarm(effect.passage, 'internal-error', `no barrier wired for ${effect.target}`);
          return report;
        }
        this.note('actuate-request', { passage: effect.passage, target: effect.target, action: effect.action, purpose: effect.purpose });
        if (effect.target === 'entry-door' && effect.action === 'open' && effect.purpose === 'admit') this.entryCount = 0;
        const e: InterlockEvent =
          effect.purpose === 'grant' && effect.action === 'open'
            ? { type: 'grant', at: this.now(), source: 'local', barrier }
            : { type: 'command', at: this.now(), source: 'local', barrier, action: effect.action };
        return this.stepInterlock(e);
      }
      case 'display':
        this.show(effect.screen, effect.nationality ?? null, effect.reason);
        return report;
      case 'alarm':
        this.alarm(effect.passage, effect.kind, effect.reason);
        return report;
      case 'set-timer': {
        this.flowTimer?.handle.cancel();
        const { name, dueAt } = effect;
        const handle = this.ports.clock.setTimeout(() => this.post(() => this.fireFlowTimer(name, dueAt)), Math.max(0, effect.ms));
        this.flowTimer = { name, handle };
        return report;
      }
      case 'cancel-timer':
        if (this.flowTimer?.name === effect.name) {
          this.flowTimer.handle.cancel();
          this.flowTimer = null;
        }
        return report;
      case 'open-read-window': {
        this.guard('readers', () => this.ports.readers?.openReadWindow(effect.ms), undefined);
        // Queued behind the current step, so the flow is in its reading phase when they arrive.
        for (const tag of this.recentTags.take(this.now())) {
          this.post(() => this.stepFlow({ type: 'rfid-read', at: this.now(), rfid: { epc: tag.epc, tid: tag.tid } }));
        }
        return report;
      }
      case 'close-read-window':
        this.guard('readers', () => this.ports.readers?.closeReadWindow(), undefined);
        return report;
      default:
        return report;
    }
  }

  private fireFlowTimer(name: string, dueAt: number): void {
    if (this.flowTimer?.name === name) this.flowTimer = null;
    // A timer callback may run a hair early by the wall clock; the machine's check is against dueAt.
    this.stepFlow({ type: 'timer', at: Math.max(this.now(), dueAt), name });
  }

  private stepInterlock(e: InterlockEvent): StepReport {
    const report = this.interlocks.step(e);
    // Once this process moved (or asked to close) a barrier, its position is ours, not left over from before the start.
    for (const x of [...report.actuated, ...report.deferred]) this.firstPosition.delete(x.barrier);
    return report;
  }

  // ---------------------------------------------------------------------------------------------
  // Effects with I/O
  // ---------------------------------------------------------------------------------------------

  private journal(passage: string, record: Parameters<RunnerPorts['journal']['append']>[0]): void {
    try {
      const r = this.ports.journal.append(record);
      this.counts.journaled += 1;
      this.passagesDecided += 1;
      this.note('verdict', { passage, passageId: r.passageId, outcome: record.outcome, reasons: record.reasons.join(',') || null, officer: record.officerId !== null });
      if (record.outcome === 'grant') this.redeemToken(record);
      this.post(() => this.stepFlow({ type: 'journaled', at: this.now(), passage, passageId: r.passageId, seq: r.seq }));
    } catch (err) {
      this.counts.journalFailures += 1;
      const why = err instanceof Error ? err.message.slice(0, 120) : 'journal append failed';
      this.ports.log.error({ passage, err: why }, 'journal append failed: nothing moves for this passage');
      this.note('journal-failed', { passage, error: why });
      this.post(() => this.stepFlow({ type: 'journal-failed', at: this.now(), passage, error: why }));
    }
  }

  /**
   * A granted single-use QR token is used up once the grant is durable, so the same code cannot
   * open the lane twice (the lookup then reads it as `used`: CREDENTIAL_ALREADY_USED).
   */
  private redeemToken(record: Parameters<RunnerPorts['journal']['append']>[0]): void {
    const c = record.evidence['credential'] as { kind?: unknown; idHash?: unknown } | null | undefined;
    const redeem = this.ports.journal.redeem;
    if (!redeem || !c || c.kind !== 'qr-token' || typeof c.idHash !== 'string') return;
    const outcome = this.guard('journal', () => redeem.call(this.ports.journal, c.idHash as string), 'error');
    this.note('token', { outcome });
  }

  private captureFaces(passage: string, frames: number): void {
    const faces = this.ports.faces;
    if (!faces) {
      this.post(() => this.stepFlow({ type: 'faces-captured', at: this.now(), passage, face: null }));
      return;
    }
    faces.capture(frames).then(
      (capture) =>
        this.post(() => {
          this.templates.set(passage, capture);
          this.stepFlow({ type: 'faces-captured', at: this.now(), passage, face: capture.face });
        }),
      (err: unknown) =>
        this.post(() => {
          this.adapterFailed('face-camera', err);
          this.stepFlow({ type: 'faces-captured', at: this.now(), passage, face: null });
        }),
    );
  }

  private recogniseFace(passage: string, subjectId: string | null): void {
    const capture = this.templates.get(passage);
    const faces = this.ports.faces;
    if (!faces || !capture?.face || !capture.template) {
      // Nothing to compare: answer with the capture as it is; decide() reports FACE_NOT_COMPARED.
      const face: FaceEvidence | null = capture?.face ?? null;
      if (face) this.post(() => this.stepFlow({ type: 'face-recognised', at: this.now(), passage, face }));
      else this.post(() => this.stepFlow({ type: 'faces-captured', at: this.now(), passage, face: null }));
      return;
    }
    const { face, template } = capture;
    faces.compare(subjectId, template).then(
      (score) =>
        this.post(() => {
          const passageState = this.flow.passage;
          const credential = passageState && 'credential' in passageState ? passageState.credential : null;
          const facts = this.guard('store', () => this.ports.facts.factsFor({ credential, face }, { now: this.now(), liveFace: template }), null);
          this.stepFlow({ type: 'face-recognised', at: this.now(), passage, face: { ...face, matchScore: score }, ...(facts ? { facts } : {}) });
        }),
      (err: unknown) =>
        this.post(() => {
          this.adapterFailed('face-recogniser', err);
          this.stepFlow({ type: 'face-recognised', at: this.now(), passage, face });
        }),
    );
  }

  private show(screen: Parameters<NonNullable<RunnerPorts['display']>['show']>[0], nationality: string | null = null, reason?: string): void {
    const display = this.ports.display;
    if (!display) return;
    const r = this.guard('display', () => display.show(screen, { nationality, ...(reason ? { reason: reason as never } : {}) }), null);
    if (r && !r.ok) this.ports.log.warn({ screen, error: r.error }, 'display refused a screen');
  }

  private alarm(passage: string | null, kind: string, reason: string): void {
    this.counts.alarms += 1;
    const detail = reason.slice(0, 160);
    this.note('alarm', { source: 'flow', kind, reason: detail, passage });
    this.ports.log.warn({ kind, reason: detail, passage }, 'lane alarm');
    this.guard('journal', () => this.ports.journal.publish('event/alarm', { source: 'flow', kind, reason: detail, passage, at: this.now() }), undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Plumbing
  // ---------------------------------------------------------------------------------------------

  /** Runs an adapter call; a throw becomes an alarm and the fallback (the step goes on). */
  private guard<T>(what: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (err) {
      this.adapterFailed(what, err);
      return fallback;
    }
  }

  private adapterFailed(what: string, err: unknown): void {
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

  private note(type: string, detail: Record<string, string | number | boolean | null>): void {
    this.events.add(this.now(), type, detail);
  }

  private now(at?: number): number {
    const n = this.ports.clock.now();
    return at !== undefined && Number.isFinite(at) && at > 0 ? Math.min(at, n) : n;
  }

  /** Queues work for later (device callbacks, answers of effects); never runs it inside the current step. */
  private post(fn: () => void): void {
    if (!this.running) return;
    void this.enqueue(fn);
  }

  private enqueue<T>(fn: () => T): Promise<T> {
    const run = this.queue.then(() => {
      try {
        return fn();
      } catch (err) {
        // The machines never throw; an exception here is the runner's own bug: alarm, keep serving.
        this.adapterFailed('runner', err);
        this.setHealth('degraded', err instanceof Error ? err.message : String(err));
        throw err;
      }
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private setHealth(state: HealthReport['state'], lastError: string | null): void {
    if (this.health_.state === state && this.health_.lastError === lastError) return;
    this.health_ = { ...this.health_, state, since: this.ports.clock.now(), lastError };
  }
}
