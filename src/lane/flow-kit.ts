/**
 * The step machinery both passage flows share (src/lane/people, src/lane/vehicle), generic over the
 * lane's config, state and event types. It holds only what is the same rule in both lanes: the
 * never-throwing step guard, the single timer, journaling a verdict and what "durable" means,
 * officer overrides, and how emergencies / faults suspend and resume the lane. What differs (doors
 * vs barrier, faces vs plates, what to do on resume) stays in each lane and is passed in.
 *
 * Pure like the flows themselves: no I/O, no clock reads, no randomness (see flow-types.ts).
 */
import type { OfficerOverride, Policy, Verdict } from '../decision/types.js';
import { detailForReasons } from '../display/reason-details.js';
import type { Screen } from '../display/display-state.js';
import {
  applySuspensionEvent,
  eventShapeProblem,
  isSuspended,
  suspendedScreen,
  type ActuatorTarget,
  type ArmedTimer,
  type CommonFlowEvent,
  type FlowEffect,
  type FlowStep,
  type JournalDraft,
  type OverrideSource,
  type PassageRef,
  type Suspension,
} from './flow-types.js';

/** The fields of a passage the shared rules read and write; each lane adds its own evidence. */
export interface FlowPassageCore {
  ref: PassageRef;
  /** No timer of the passage is armed past it (see armTimer). */
  deadline: number;
  stages: Record<string, number>;
  /** Last verdict handed to the journal; actuations after it wait for `journaled`. */
  verdict: Verdict | null;
  /** True once the journal confirmed `verdict`; only then may anything move for it. */
  journaled: boolean;
  journalIds: string[];
  overrideSource: OverrideSource | null;
}

export interface FlowStateCore<P extends FlowPassageCore = FlowPassageCore> {
  phase: string;
  passage: P | null;
  timer: ArmedTimer | null;
  suspension: Suspension;
  /**
   * Doors / barrier the flow asked open and has not asked closed since, with the passage that opened
   * them ('none': found open at start-up). Outlives the passage on purpose: what an abandoned passage
   * left open is closed when the lane is next idle and in service (see secureLeftOpen).
   */
  opened: OpenedTargets;
}

export type OpenedTargets = Partial<Record<ActuatorTarget, PassageRef>>;

export interface FlowConfigCore {
  policy: Policy;
}

/** Working copy for one step: the state being built and the effects emitted so far. */
export interface FlowCtx<C extends FlowConfigCore, S extends FlowStateCore> {
  config: C;
  s: S;
  effects: FlowEffect[];
  at: number;
}

/** Which lane a flow is: prefixes its timer names and is the journal record's `kind`. */
export type LaneKind = JournalDraft['kind'];

type PassageOf<S> = S extends FlowStateCore<infer P> ? P : never;

/**
 * One step, guarded. Never throws: an unexpected failure suspends the lane (fail secure) and raises
 * an alarm. The state handed in is never mutated (the route works on a clone), so on a failure the
 * lane falls back to the state before the event rather than to a half-applied one.
 */
export function guardedStep<C extends FlowConfigCore, S extends FlowStateCore, E extends { type: string; at: number }>(
  config: C,
  state: S,
  event: E,
  route: (ctx: FlowCtx<C, S>, e: E) => void,
): FlowStep<S> {
  const problem = eventShapeProblem(event);
  if (problem) return { state, effects: [{ type: 'ignored', event: eventName(event), reason: problem }] };
  const ctx: FlowCtx<C, S> = { config, s: structuredClone(state), effects: [], at: event.at };
  try {
    route(ctx, event);
    return { state: ctx.s, effects: ctx.effects };
  } catch (err) {
    const s = { ...structuredClone(state), phase: 'suspended', passage: null, timer: null } as S;
    s.suspension.internalError = true;
    const why = err instanceof Error ? err.message.slice(0, 120) : 'non-error thrown';
    return {
      state: s,
      effects: [
        ...(state.timer ? [{ type: 'cancel-timer' as const, name: state.timer.name }] : []),
        { type: 'alarm', passage: state.passage?.ref ?? null, kind: 'internal-error', reason: `${event.type}: ${why}` },
        { type: 'display', screen: 'lane-closed' },
      ],
    };
  }
}

/** A bounded, printable name for an event that failed the shape check (it may not even be an object). */
function eventName(e: unknown): string {
  const t = typeof e === 'object' && e !== null ? (e as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t.slice(0, 40) : 'unknown';
}

export function ignore(ctx: { effects: FlowEffect[] }, e: { type: string }, reason: string): void {
  ctx.effects.push({ type: 'ignored', event: e.type, reason });
}

/** The passage the event names, when it is the current one (answers for an older passage are stale). */
export function currentPassage<P extends FlowPassageCore>(ctx: { s: { passage: P | null } }, e: { passage: string }): P | null {
  const p = ctx.s.passage;
  return p && p.ref === e.passage ? p : null;
}

// ---------------------------------------------------------------------------------------------
// The single timer
// ---------------------------------------------------------------------------------------------

/** Arms the single timer of the current step, never past the passage deadline. */
export function armTimer(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, lane: LaneKind, step: string, ms: number): void {
  const p = ctx.s.passage;
  const dueAt = p ? Math.max(ctx.at, Math.min(ctx.at + ms, p.deadline)) : ctx.at + ms;
  const name = `${lane}:${p?.ref ?? 'lane'}:${step}`;
  ctx.s.timer = { name, dueAt };
  ctx.effects.push({ type: 'set-timer', name, ms: dueAt - ctx.at, dueAt });
}

export function disarmTimer(ctx: FlowCtx<FlowConfigCore, FlowStateCore>): void {
  if (!ctx.s.timer) return;
  ctx.effects.push({ type: 'cancel-timer', name: ctx.s.timer.name });
  ctx.s.timer = null;
}

/**
 * True when a `timer` event is the armed timer and due; it is then consumed. Anything else is
 * ignored: a cancelled timer may still fire in the runner, and it must not end the next step.
 */
export function takeDueTimer(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, e: Extract<CommonFlowEvent, { type: 'timer' }>): boolean {
  if (!ctx.s.timer || ctx.s.timer.name !== e.name) {
    ignore(ctx, e, 'timer not armed (stale)');
    return false;
  }
  if (e.at < ctx.s.timer.dueAt) {
    ignore(ctx, e, 'timer not yet due');
    return false;
  }
  ctx.s.timer = null;
  return true;
}

/** A display effect; the nationality picks the traveller's language, the reasons a short explanation. */
export function displayEffect(screen: Screen, nationality: string | null, reasons?: readonly string[]): FlowEffect {
  const reason = reasons ? detailForReasons(reasons) : undefined;
  return { type: 'display', screen, ...(nationality ? { nationality } : {}), ...(reason ? { reason } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Verdicts and the journal
// ---------------------------------------------------------------------------------------------

/**
 * The journal record of a verdict. `laneEvidence` comes between the passage ref and the verdict's
 * bookkeeping; `supersedes` links an override's record to the one it replaces.
 */
export function verdictJournalDraft(
  ctx: FlowCtx<FlowConfigCore, FlowStateCore>,
  lane: LaneKind,
  p: FlowPassageCore,
  v: Verdict,
  laneEvidence: JournalDraft['evidence'],
): JournalDraft {
  return {
    kind: lane,
    direction: ctx.config.policy.direction,
    stages: { ...p.stages, decided: ctx.at },
    evidence: {
      passageRef: p.ref,
      ...laneEvidence,
      missing: [...v.missing],
      overrideSource: p.overrideSource,
      supersedes: p.journalIds.length > 0 ? p.journalIds[p.journalIds.length - 1]! : null,
    },
    outcome: v.outcome,
    reasons: [...v.reasons],
    alarm: v.alarm,
    officerId: v.officerId ?? null,
  };
}

/**
 * The verdict is final: record it on the passage and ask the journal to write it. Until `journaled`
 * answers, the passage is not durable and nothing may move for it. The caller then enters journaling.
 */
export function recordVerdict(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, p: FlowPassageCore, v: Verdict, record: JournalDraft): void {
  p.verdict = v;
  p.journaled = false;
  p.stages.decided = ctx.at;
  if (v.alarm) ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'verdict', reason: v.reasons.join(',') || v.outcome });
  ctx.effects.push({ type: 'journal', passage: p.ref, record });
}

/** The journal confirmed the verdict: the passage is durable. Returns it, or null when there is none to confirm. */
export function markJournaled<P extends FlowPassageCore>(ctx: FlowCtx<FlowConfigCore, FlowStateCore<P>>, passageId: string): P | null {
  const p = ctx.s.passage;
  if (!p || !p.verdict) return null;
  p.journaled = true;
  p.journalIds.push(passageId);
  p.stages.journaled = ctx.at;
  return p;
}

/** The journal refused or did not answer: the passage is not durable, so nothing moves; raise the alarm. */
export function markJournalFailed<P extends FlowPassageCore>(ctx: FlowCtx<FlowConfigCore, FlowStateCore<P>>, why: string): P | null {
  const p = ctx.s.passage;
  if (!p) return null;
  p.journaled = false;
  ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'journal-failed', reason: why });
  return p;
}

/**
 * A held passage timed out. Unless an officer's own journaled decision is what held it, nobody
 * attended: alarm. Returns true when the lane had to be suspended: with no durable record of the
 * passage no door or barrier may move, so it stays closed until a reset.
 */
export function officerNotAttended<X extends FlowCtx<FlowConfigCore, FlowStateCore>>(
  ctx: X,
  p: FlowPassageCore,
  suspend: (ctx: X, cause: string) => void,
): boolean {
  const officerActed = p.journaled && p.verdict?.officerId !== undefined;
  if (!officerActed) ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'officer-not-attended', reason: p.verdict?.outcome ?? 'journal-failed' });
  if (p.journaled) return false;
  ctx.s.suspension.journalFailed = true;
  suspend(ctx, 'journal-failed');
  return true;
}

/**
 * An officer's override, checked by decide() itself (the same rules as any other evidence). Returns
 * the passage and the overridden verdict, or null (and an `ignored`) when there is nothing to
 * override in this phase or the override is invalid. The caller concludes with the verdict.
 */
export function overrideVerdict<C extends FlowConfigCore, S extends FlowStateCore>(
  ctx: FlowCtx<C, S>,
  e: Extract<CommonFlowEvent, { type: 'officer-override' }>,
  overridablePhases: ReadonlySet<string>,
  decideNow: (ctx: FlowCtx<C, S>, p: PassageOf<S>, override: OfficerOverride) => Verdict,
): { p: PassageOf<S>; v: Verdict } | null {
  const p = ctx.s.passage as PassageOf<S> | null;
  if (!p || !overridablePhases.has(ctx.s.phase)) {
    ignore(ctx, e, `no passage to override in phase ${ctx.s.phase}`);
    return null;
  }
  const override: OfficerOverride = { officerId: e.officerId, outcome: e.outcome, reason: e.reason };
  const v = decideNow(ctx, p, override);
  if (v.reasons.includes('OVERRIDE_INVALID') || (e.source !== 'lanectl' && e.source !== 'mqtt')) {
    ignore(ctx, e, 'override invalid: needs officerId (1-64 chars), a known outcome, a reason and source lanectl|mqtt');
    return null;
  }
  return { p, v };
}

/** Records who overrode and when, so the journal shows the verdict did not come from the evidence alone. */
export function noteOverride(ctx: { at: number }, p: FlowPassageCore, e: Extract<CommonFlowEvent, { type: 'officer-override' }>): void {
  p.overrideSource = e.source;
  p.stages.overridden = ctx.at;
}

// ---------------------------------------------------------------------------------------------
// Suspension: emergencies, free pass, device faults, resets
// ---------------------------------------------------------------------------------------------

export type SuspensionFlowEvent = Extract<CommonFlowEvent, { type: 'emergency' | 'free-pass' | 'device-fault' | 'device-ok' | 'reset' }>;

const SUSPENSION_EVENT_TYPES: ReadonlySet<string> = new Set(['emergency', 'free-pass', 'device-fault', 'device-ok', 'reset']);

/** These events are handled in every phase, suspended or not: they are what suspends and resumes the lane. */
export function isSuspensionEvent(e: { type: string }): e is SuspensionFlowEvent {
  return SUSPENSION_EVENT_TYPES.has(e.type);
}

/**
 * Applies a suspension event and moves the lane accordingly: `suspend` when it newly goes out of
 * service, `resume` when the last cause cleared, otherwise refreshes the suspended screen.
 */
export function onSuspensionEvent<S extends FlowStateCore, X extends FlowCtx<FlowConfigCore, S>>(
  ctx: X,
  e: SuspensionFlowEvent,
  suspend: (ctx: X, cause: string) => void,
  resume: (ctx: X) => void,
): void {
  const before = isSuspended(ctx.s.suspension);
  const change = applySuspensionEvent(ctx.s.suspension, e);
  if (change === null) return ignore(ctx, e, 'nothing to change');
  if (change !== 'changed') ctx.effects.push({ type: 'alarm', passage: ctx.s.passage?.ref ?? null, kind: change, reason: e.type });
  const after = isSuspended(ctx.s.suspension);
  if (!before && after) return suspend(ctx, e.type);
  if (before && !after) return resume(ctx);
  if (after) ctx.effects.push({ type: 'display', screen: suspendedScreen(ctx.s.suspension) });
}

/**
 * Hands the lane to the interlocks. A passage not yet durable is journaled as abandoned (refer) so the
 * record shows what was interrupted; its answer is ignored and no door or barrier is moved by the flow.
 */
export function suspendLane(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, lane: LaneKind, cause: string): void {
  const p = ctx.s.passage;
  if (p && !p.journaled) {
    ctx.effects.push({
      type: 'journal',
      passage: p.ref,
      record: {
        kind: lane,
        direction: ctx.config.policy.direction,
        stages: { ...p.stages, abandoned: ctx.at },
        evidence: { passageRef: p.ref, abandoned: cause },
        outcome: 'refer',
        reasons: [...(p.verdict?.reasons ?? [])],
        alarm: true,
        officerId: p.verdict?.officerId ?? null,
      },
    });
  }
  disarmTimer(ctx);
  ctx.s.passage = null;
  ctx.s.phase = 'suspended';
  ctx.effects.push({ type: 'display', screen: suspendedScreen(ctx.s.suspension) });
}

// ---------------------------------------------------------------------------------------------
// Nothing left open on an idle lane
// ---------------------------------------------------------------------------------------------

/** Emits a flow actuation and keeps `opened` up to date; every actuate effect of a flow goes through here. */
export function pushActuation(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, x: Extract<FlowEffect, { type: 'actuate' }>): void {
  if (x.action === 'open') ctx.s.opened[x.target] = x.passage;
  else delete ctx.s.opened[x.target];
  ctx.effects.push(x);
}

/**
 * The lane is idle and in service: close (`secure`) every door / barrier the flow left open. Called by
 * each lane's toIdle, which is only reached in service: a passage that ended without closing behind it
 * (abandoned by a fault, an emergency or free pass, a timeout) is secured on resume, never during the
 * suspension (the interlocks own the doors then: egress open, vehicle barrier as-is). The interlocks
 * defer the close while a presence input of that barrier is active.
 */
export function secureLeftOpen(ctx: FlowCtx<FlowConfigCore, FlowStateCore>): void {
  for (const [target, passage] of Object.entries(ctx.s.opened) as Array<[ActuatorTarget, PassageRef]>) {
    pushActuation(ctx, { type: 'actuate', passage, target, action: 'close', purpose: 'secure' });
  }
}

/**
 * A barrier found open at start-up: closed at once when the lane is idle and in service, otherwise
 * remembered and closed when it next is (after the passage under way, or on resume).
 */
export function onFoundOpen(ctx: FlowCtx<FlowConfigCore, FlowStateCore>, e: Extract<CommonFlowEvent, { type: 'found-open' }>, targets: readonly ActuatorTarget[]): void {
  if (!targets.includes(e.target)) return ignore(ctx, e, `target must be one of ${targets.join('|')}`);
  if (ctx.s.opened[e.target] === undefined) ctx.s.opened[e.target] = 'none';
  if (ctx.s.phase === 'idle' && !isSuspended(ctx.s.suspension)) secureLeftOpen(ctx);
}
