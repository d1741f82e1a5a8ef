/**
 * The people lane (two-door mantrap) as a pure state machine:
 *   idle -> credential presented -> looking-up -> entering (entry door open) -> capturing ->
 *   recognising -> journaling -> exiting (grant) | sending-back (deny) | held (refer, alarm) -> idle.
 * Every step has a timeout, clamped to the passage deadline; emergencies, free pass, device faults
 * and journal failures suspend the lane until the cause clears (and a person resets where needed).
 */
import type { OfficerOverride } from '../../decision/types.js';
import {
  applySuspensionEvent,
  eventShapeProblem,
  isSuspended,
  noSuspension,
  suspendedScreen,
  type CommonFlowEvent,
  type FlowStep,
  type PeopleFlowEvent,
} from '../flow-types.js';
import {
  actuate,
  afterJournaled,
  arm,
  conclude,
  decideNow,
  disarm,
  enter,
  journalFailed,
  show,
  toIdle,
} from './people-steps.js';
import { peoplePassageLimitMs, type PeopleCtx, type PeopleFlowConfig, type PeopleFlowState, type PeoplePassage } from './people-types.js';

export function initialPeopleState(): PeopleFlowState {
  return { phase: 'idle', passage: null, timer: null, suspension: noSuspension(), passagesStarted: 0 };
}

/** One step. Never throws: an unexpected failure suspends the lane (fail secure) and raises an alarm. */
export function stepPeople(config: PeopleFlowConfig, state: PeopleFlowState, event: PeopleFlowEvent): FlowStep<PeopleFlowState> {
  const problem = eventShapeProblem(event);
  if (problem) return { state, effects: [{ type: 'ignored', event: eventName(event), reason: problem }] };
  const ctx: PeopleCtx = { config, s: structuredClone(state), effects: [], at: event.at };
  try {
    route(ctx, event);
    return { state: ctx.s, effects: ctx.effects };
  } catch (err) {
    const s: PeopleFlowState = { ...structuredClone(state), phase: 'suspended', passage: null, timer: null };
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

function eventName(e: unknown): string {
  const t = typeof e === 'object' && e !== null ? (e as { type?: unknown }).type : undefined;
  return typeof t === 'string' ? t.slice(0, 40) : 'unknown';
}

function ignore(ctx: PeopleCtx, e: PeopleFlowEvent, reason: string): void {
  ctx.effects.push({ type: 'ignored', event: e.type, reason });
}

/** The passage the event names, when it is the current one. */
function current(ctx: PeopleCtx, e: { passage: string }): PeoplePassage | null {
  const p = ctx.s.passage;
  return p && p.ref === e.passage ? p : null;
}

function route(ctx: PeopleCtx, e: PeopleFlowEvent): void {
  switch (e.type) {
    case 'emergency':
    case 'free-pass':
    case 'device-fault':
    case 'device-ok':
    case 'reset':
      return onSuspensionEvent(ctx, e);
    default:
      break;
  }
  if (ctx.s.phase === 'suspended') return ignore(ctx, e, 'lane suspended');
  const p = ctx.s.passage;
  const { phase } = ctx.s;
  switch (e.type) {
    case 'timer':
      if (!ctx.s.timer || ctx.s.timer.name !== e.name) return ignore(ctx, e, 'timer not armed (stale)');
      if (e.at < ctx.s.timer.dueAt) return ignore(ctx, e, 'timer not yet due');
      ctx.s.timer = null;
      return onTimeout(ctx);
    case 'credential-presented':
      if (phase !== 'idle') return ignore(ctx, e, 'a passage is in progress');
      return startPassage(ctx, e);
    case 'facts': {
      const cur = current(ctx, e);
      if (!cur || phase !== 'looking-up') return ignore(ctx, e, 'no lookup pending for this passage');
      cur.facts = e.facts;
      cur.stages.identified = ctx.at;
      return afterLookup(ctx, cur);
    }
    case 'entry-beam':
      if (!p) return ignore(ctx, e, 'no passage');
      return onEntryBeam(ctx, p, e.count, e.clear);
    case 'exit-beam':
      if (!p || phase !== 'exiting') return ignore(ctx, e, 'exit door not open');
      if (!e.clear) p.beamBroken = true;
      else if (p.beamBroken) leaveThrough(ctx, 'exit-door');
      return;
    case 'faces-captured': {
      const cur = current(ctx, e);
      if (!cur || phase !== 'capturing') return ignore(ctx, e, 'no capture pending for this passage');
      return onFaces(ctx, cur, e.face, false);
    }
    case 'face-recognised': {
      const cur = current(ctx, e);
      if (!cur || phase !== 'recognising') return ignore(ctx, e, 'no recognition pending for this passage');
      if (e.facts) cur.facts = e.facts;
      return onFaces(ctx, cur, e.face, true);
    }
    case 'journaled': {
      const cur = current(ctx, e);
      if (!cur || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return afterJournaled(ctx, e.passageId);
    }
    case 'journal-failed': {
      const cur = current(ctx, e);
      if (!cur || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return journalFailed(ctx, e.error.slice(0, 120));
    }
    case 'officer-override':
      return onOverride(ctx, e);
    default:
      return ignore(ctx, e, 'unknown event type');
  }
}

function startPassage(ctx: PeopleCtx, e: Extract<PeopleFlowEvent, { type: 'credential-presented' }>): void {
  if (!e.credential) {
    ctx.effects.push({ type: 'display', screen: 'try-again', reason: 'code-unreadable' });
    return;
  }
  const n = ctx.s.passagesStarted + 1;
  ctx.s.passagesStarted = n;
  const p: PeoplePassage = {
    ref: `p${n}`,
    startedAt: ctx.at,
    deadline: ctx.at + peoplePassageLimitMs(ctx.config.timeouts),
    stages: { presented: ctx.at },
    credential: e.credential,
    facts: null,
    face: null,
    personCount: null,
    faceAttempts: 0,
    inside: false,
    entryOpen: false,
    beamBroken: false,
    verdict: null,
    journaled: false,
    journalIds: [],
    overrideSource: null,
  };
  ctx.s.passage = p;
  ctx.effects.push({ type: 'lookup-credential', passage: p.ref, credential: e.credential, vehicle: null });
  show(ctx, 'processing');
  enter(ctx, 'looking-up', ctx.config.timeouts.lookupMs);
}

/** Credential looked up: refuse at the reader, or admit into the mantrap when only the face is missing. */
function afterLookup(ctx: PeopleCtx, p: PeoplePassage): void {
  const v = decideNow(ctx, p);
  const onlyFaceMissing = v.missing.length > 0 && v.missing.every((m) => m === 'face');
  if (!onlyFaceMissing) return conclude(ctx, v);
  p.stages.admitted = ctx.at;
  actuate(ctx, 'entry-door', 'open', 'admit');
  show(ctx, 'enter');
  enter(ctx, 'entering', ctx.config.timeouts.enterMs);
}

const TRAVELLER_AROUND = new Set(['entering', 'capturing', 'recognising']);

function onEntryBeam(ctx: PeopleCtx, p: PeoplePassage, count: number, clear: boolean): void {
  const { phase } = ctx.s;
  if (phase === 'sending-back') {
    if (!clear) p.beamBroken = true;
    else if (p.beamBroken) leaveThrough(ctx, 'entry-door');
    return;
  }
  if (!TRAVELLER_AROUND.has(phase)) return;
  if (!Number.isInteger(count) || count < 0) {
    ctx.effects.push({ type: 'ignored', event: 'entry-beam', reason: 'count must be a non-negative integer' });
    return;
  }
  // Counts are cumulative since the entry door opened; a lower count never undoes a higher one.
  p.personCount = Math.max(p.personCount ?? 0, count);
  if (p.personCount > 1) return conclude(ctx, decideNow(ctx, p)); // TAILGATING from occupancy
  if (phase !== 'entering' || p.personCount !== 1 || !clear || p.inside) return;
  p.inside = true;
  p.stages.entered = ctx.at;
  actuate(ctx, 'entry-door', 'close', 'close-behind');
  if (p.verdict?.outcome === 'grant' && p.journaled) {
    actuate(ctx, 'exit-door', 'open', 'grant');
    show(ctx, 'proceed');
    enter(ctx, 'exiting', ctx.config.timeouts.exitMs);
    return;
  }
  capture(ctx, p);
}

/** Traveller out of the mantrap (exit after a grant, entry after a refusal): close behind, passage over. */
function leaveThrough(ctx: PeopleCtx, door: 'entry-door' | 'exit-door'): void {
  const p = ctx.s.passage;
  if (!p) return;
  p.stages.left = ctx.at;
  actuate(ctx, door, 'close', 'close-after');
  toIdle(ctx);
}

function capture(ctx: PeopleCtx, p: PeoplePassage): void {
  p.faceAttempts += 1;
  ctx.effects.push({ type: 'capture-faces', passage: p.ref, frames: ctx.config.faceFrames, attempt: p.faceAttempts });
  show(ctx, 'look-at-camera');
  ctx.s.phase = 'capturing';
  // One timer for all attempts: a retry must not extend the passage.
  if (p.faceAttempts === 1) arm(ctx, 'face', ctx.config.timeouts.faceMs);
}

const RECAPTURE = new Set(['FACE_MISSING', 'FACE_NOT_DETECTED', 'FACE_QUALITY_LOW']);

function onFaces(ctx: PeopleCtx, p: PeoplePassage, face: PeoplePassage['face'], compared: boolean): void {
  p.face = face;
  if (face) p.stages[compared ? 'recognised' : 'captured'] = ctx.at;
  const v = decideNow(ctx, p);
  if (v.missing.length === 0) return conclude(ctx, v);
  const usable = face !== null && !v.reasons.some((r) => RECAPTURE.has(r));
  if (!compared && usable && v.reasons.includes('FACE_NOT_COMPARED')) {
    ctx.effects.push({ type: 'recognise-face', passage: p.ref, subjectId: p.facts?.subject?.subjectId ?? null });
    ctx.s.phase = 'recognising';
    return;
  }
  if (p.faceAttempts < ctx.config.maxFaceAttempts && v.missing.includes('face')) return capture(ctx, p);
  conclude(ctx, v);
}

const OVERRIDABLE = new Set(['looking-up', 'entering', 'capturing', 'recognising', 'held', 'showing-result']);

function onOverride(ctx: PeopleCtx, e: Extract<PeopleFlowEvent, { type: 'officer-override' }>): void {
  const p = ctx.s.passage;
  if (!p || !OVERRIDABLE.has(ctx.s.phase)) return ignore(ctx, e, `no passage to override in phase ${ctx.s.phase}`);
  const override: OfficerOverride = { officerId: e.officerId, outcome: e.outcome, reason: e.reason };
  const v = decideNow(ctx, p, override);
  if (v.reasons.includes('OVERRIDE_INVALID') || (e.source !== 'lanectl' && e.source !== 'mqtt')) {
    return ignore(ctx, e, 'override invalid: needs officerId (1-64 chars), a known outcome, a reason and source lanectl|mqtt');
  }
  p.overrideSource = e.source;
  p.stages.overridden = ctx.at;
  conclude(ctx, v);
}

function onTimeout(ctx: PeopleCtx): void {
  const p = ctx.s.passage;
  if (!p) return toIdle(ctx);
  const t = ctx.config.timeouts;
  switch (ctx.s.phase) {
    case 'looking-up':
    case 'capturing':
    case 'recognising':
      // Decide with what we have: a missing lookup reads as STORE_UNAVAILABLE, a missing face as FACE_*.
      return conclude(ctx, decideNow(ctx, p));
    case 'entering':
      if (p.verdict && p.journaled) {
        if (p.entryOpen) actuate(ctx, 'entry-door', 'close', 'close-after');
        return toIdle(ctx);
      }
      p.inside = (p.personCount ?? 0) >= 1;
      return conclude(ctx, decideNow(ctx, p));
    case 'journaling':
      return journalFailed(ctx, 'journal did not confirm in time');
    case 'exiting':
      return leaveThrough(ctx, 'exit-door');
    case 'sending-back':
      return leaveThrough(ctx, 'entry-door');
    case 'showing-result':
      return toIdle(ctx);
    case 'held':
      ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'officer-not-attended', reason: p.verdict?.outcome ?? 'journal-failed' });
      if (!p.journaled) {
        // Nothing durable for this passage: no door may move, so the lane stays closed until reset.
        ctx.s.suspension.journalFailed = true;
        return suspend(ctx, 'journal-failed');
      }
      if (!p.inside) return toIdle(ctx);
      actuate(ctx, 'entry-door', 'open', 'send-back');
      show(ctx, 'denied', p.verdict?.reasons);
      return enter(ctx, 'sending-back', t.sendBackMs);
    default:
      return toIdle(ctx);
  }
}

function onSuspensionEvent(ctx: PeopleCtx, e: CommonFlowEvent): void {
  const before = isSuspended(ctx.s.suspension);
  const change = applySuspensionEvent(ctx.s.suspension, e);
  if (change === null) {
    ctx.effects.push({ type: 'ignored', event: e.type, reason: 'nothing to change' });
    return;
  }
  if (change !== 'changed') ctx.effects.push({ type: 'alarm', passage: ctx.s.passage?.ref ?? null, kind: change, reason: e.type });
  const after = isSuspended(ctx.s.suspension);
  if (!before && after) return suspend(ctx, e.type);
  if (before && !after) return toIdle(ctx);
  if (after) ctx.effects.push({ type: 'display', screen: suspendedScreen(ctx.s.suspension) });
}

/**
 * Hands the lane to the interlocks. A passage not yet durable is journaled as abandoned (refer) so the
 * record shows what was interrupted; its answer is ignored and no door is moved by this machine.
 */
function suspend(ctx: PeopleCtx, cause: string): void {
  const p = ctx.s.passage;
  if (p && !p.journaled) {
    ctx.effects.push({
      type: 'journal',
      passage: p.ref,
      record: {
        kind: 'people',
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
  disarm(ctx);
  ctx.s.passage = null;
  ctx.s.phase = 'suspended';
  ctx.effects.push({ type: 'display', screen: suspendedScreen(ctx.s.suspension) });
}
