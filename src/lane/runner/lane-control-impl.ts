/**
 * LaneControl (src/control/lane-control.ts) over the lane runner: what lanectl and the MQTT command
 * handler may ask of the running lane. Every movement goes through the interlocks; every action of
 * a person is recorded with who did it (event/lane-action in the outbox; an override is also a
 * journal record of its own, written by the flow before anything moves).
 */
import type {
  Actor,
  BarrierCommand,
  LaneActionResult,
  LaneControl,
  LaneEvent,
  LaneFlowSnapshot,
  LaneServiceMode,
} from '../../control/lane-control.js';
import { isSuspended } from '../flow-types.js';
import type { LaneRunner } from './lane-runner.js';
import type { StepReport } from './step-report.js';

/** LaneFlowSnapshot plus what this runner adds (the face check may be off by policy). */
export interface RunnerSnapshot extends LaneFlowSnapshot {
  faceCheck: 'on' | 'off' | 'n/a';
  /** Passage ref of the passage in progress, e.g. `p3`. */
  passage: string | null;
}

const OFFICER_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export class RunnerLaneControl implements LaneControl {
  private mode: LaneServiceMode = 'normal';

  constructor(
    private readonly runner: LaneRunner,
    private readonly faceRequired: () => boolean,
  ) {}

  get events(): LaneRunner['events'] {
    return this.runner.events;
  }

  snapshot(): RunnerSnapshot {
    const flow = this.runner.flowState;
    const il = this.runner.interlockState;
    const s = flow.suspension;
    const suspended: string[] = [];
    if (s.emergencyLatched) suspended.push(s.emergencyActive ? 'emergency: input active' : 'emergency: cleared, waiting for a reset on site');
    if (s.freePass) suspended.push('free pass');
    for (const [device, reason] of Object.entries(s.faults)) suspended.push(device === 'mode' ? `mode: ${reason}` : `device fault: ${device}: ${reason}`);
    if (s.journalFailed) suspended.push('journal failed: waiting for a reset on site');
    if (s.internalError) suspended.push('internal error: waiting for a reset on site');
    if (!isSuspended(s) && flow.phase === 'suspended') suspended.push('suspended');
    return {
      kind: this.runner.kind,
      phase: flow.phase,
      mode: this.mode,
      suspended,
      barriers: Object.fromEntries(Object.entries(il.barriers).map(([id, b]) => [id, b.position])),
      presence: { ...il.presence },
      signal: il.signal,
      passagesDecided: this.runner.passagesDecided,
      faceCheck: this.runner.kind === 'vehicle' ? 'n/a' : this.faceRequired() ? 'on' : 'off',
      passage: flow.passage?.ref ?? null,
    };
  }

  async command(barrier: string, action: BarrierCommand, actor: Actor): Promise<LaneActionResult> {
    const bad = checkActor(actor);
    if (bad) return bad;
    if (!(barrier in this.runner.interlockState.barriers)) {
      const known = Object.keys(this.runner.interlockState.barriers).join(', ') || 'none';
      return { accepted: false, reason: 'unknown-barrier', detail: `no barrier '${barrier}' in the lane's flow (barriers: ${known})` };
    }
    const r = await this.runner.barrierCommand(barrier, action, actor.source === 'mqtt' ? 'mqtt' : 'local');
    this.runner.recordAction({ action: `barrier-${action}`, barrier, actorSource: actor.source, actorId: actor.id, accepted: r.rejects.length === 0 });
    return resultOf(r, `${action} ${barrier}`);
  }

  async setMode(mode: LaneServiceMode, actor: Actor): Promise<LaneActionResult> {
    const bad = checkActor(actor);
    if (bad) return bad;
    const previous = this.mode;
    if (previous === mode) return { accepted: true, detail: `already ${mode}` };
    if (previous === 'free-pass') await this.runner.freePass(false);
    if (mode === 'free-pass') await this.runner.freePass(true);
    await this.runner.closedForPassages(mode === 'closed' || mode === 'maintenance' ? mode : null);
    this.mode = mode;
    this.runner.recordAction({ action: 'set-mode', mode, previous, actorSource: actor.source, actorId: actor.id, accepted: true });
    return { accepted: true, detail: `mode ${previous} -> ${mode}` };
  }

  async override(outcome: 'grant' | 'deny', reason: string, actor: Actor): Promise<LaneActionResult> {
    const bad = checkActor(actor);
    if (bad) return bad;
    if (reason.trim().length === 0) return { accepted: false, reason: 'bad-request', detail: 'an override needs a reason' };
    const r = await this.runner.override(actor.id, outcome, reason.slice(0, 200), actor.source);
    this.runner.recordAction({ action: 'override', outcome, actorSource: actor.source, actorId: actor.id, accepted: r.flowIgnored.length === 0 });
    if (r.flowIgnored.length > 0) return { accepted: false, reason: 'no-passage', detail: r.flowIgnored[0]! };
    return { accepted: true, detail: `${outcome} recorded for officer ${actor.id}; the doors move once it is journaled` };
  }

  async reset(actor: Actor): Promise<LaneActionResult> {
    const bad = checkActor(actor);
    if (bad) return bad;
    const r = await this.runner.reset(actor.source === 'mqtt' ? 'mqtt' : 'local');
    this.runner.recordAction({ action: 'reset', actorSource: actor.source, actorId: actor.id, accepted: r.changed });
    if (!r.changed) {
      const why = r.rejects.find((x) => x.reason !== 'nothing-to-reset')?.reason ?? 'nothing-to-reset';
      return { accepted: false, reason: why, detail: why === 'emergency-still-active' ? 'the emergency input is still active' : 'nothing to reset' };
    }
    return { accepted: true, detail: 'lane reset' };
  }

  recentEvents(limit: number): LaneEvent[] {
    return this.runner.events.recent(limit);
  }
}

function checkActor(actor: Actor): LaneActionResult | null {
  if (!OFFICER_ID.test(actor.id)) return { accepted: false, reason: 'bad-actor', detail: 'the actor id must be 1-64 characters of letters, digits and ._@-' };
  return null;
}

function resultOf(r: StepReport, what: string): LaneActionResult {
  const reject = r.rejects[0];
  if (reject) return { accepted: false, reason: reject.reason, detail: `${what} refused by the interlocks: ${reject.reason}` };
  const deferred = r.deferred[0];
  if (deferred) return { accepted: true, detail: `${what} deferred until clear: ${deferred.waitingFor.join(', ')}` };
  return { accepted: true, detail: r.actuated.length > 0 ? `${what}: ${r.actuated.map((a) => `${a.barrier} ${a.action}`).join(', ')}` : `${what}: nothing to do` };
}
