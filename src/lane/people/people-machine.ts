/**
 * The people lane (two-door mantrap) as a pure state machine:
 *   idle -> credential presented -> looking-up -> entering (entry door open) -> capturing ->
 *   recognising -> journaling -> exiting (grant) | sending-back (deny) | held (refer, alarm) -> idle.
 * Every step has a timeout, clamped to the passage deadline; emergencies, free pass, device faults
 * and journal failures suspend the lane until the cause clears (and a person resets where needed).
 */
import {
  currentPassage,
  guardedStep,
  ignore,
  isSuspensionEvent,
  noteOverride,
  officerNotAttended,
  onFoundOpen,
  onSuspensionEvent,
  overrideVerdict,
  suspendLane,
  takeDueTimer,
} from '../flow-kit.js';
import { noSuspension, type FlowStep, type PeopleFlowEvent } from '../flow-types.js';
import {
  actuate,
  afterJournaled,
  arm,
  conclude,
  decideNow,
  enter,
  journalFailed,
  openExitOnceSealed,
  show,
  toIdle,
} from './people-steps.js';
import { peoplePassageLimitMs, type PeopleCtx, type PeopleFlowConfig, type PeopleFlowState, type PeoplePassage } from './people-types.js';

const DOORS = ['entry-door', 'exit-door'] as const;

export function initialPeopleState(): PeopleFlowState {
  return { phase: 'idle', passage: null, timer: null, suspension: noSuspension(), opened: {}, passagesStarted: 0 };
}

/** One step. Never throws: an unexpected failure suspends the lane (fail secure) and raises an alarm. */
export function stepPeople(config: PeopleFlowConfig, state: PeopleFlowState, event: PeopleFlowEvent): FlowStep<PeopleFlowState> {
  return guardedStep(config, state, event, route);
}

function route(ctx: PeopleCtx, e: PeopleFlowEvent): void {
  if (isSuspensionEvent(e)) return onSuspensionEvent(ctx, e, suspend, toIdle);
  if (e.type === 'found-open') return onFoundOpen(ctx, e, DOORS);
  if (ctx.s.phase === 'suspended') return ignore(ctx, e, 'lane suspended');
  const p = ctx.s.passage;
  const { phase } = ctx.s;
  switch (e.type) {
    case 'timer':
      return takeDueTimer(ctx, e) ? onTimeout(ctx) : undefined;
    case 'credential-presented':
      if (phase !== 'idle') return ignore(ctx, e, 'a passage is in progress');
      return startPassage(ctx, e);
    case 'facts': {
      const cur = currentPassage(ctx, e);
      if (!cur || phase !== 'looking-up') return ignore(ctx, e, 'no lookup pending for this passage');
      cur.facts = e.facts;
      cur.stages.identified = ctx.at;
      return afterLookup(ctx, cur);
    }
    case 'entry-beam':
      if (!p) return ignore(ctx, e, 'no passage');
      return onEntryBeam(ctx, p, e.count, e.clear);
    case 'entry-door':
      if (!p) return ignore(ctx, e, 'no passage');
      return onEntryDoor(ctx, p, e.closed === true);
    case 'exit-beam':
      if (!p || phase !== 'exiting') return ignore(ctx, e, 'exit door not open');
      if (!e.clear) p.beamBroken = true;
      else if (p.beamBroken) leaveThrough(ctx, 'exit-door');
      return;
    case 'faces-captured': {
      const cur = currentPassage(ctx, e);
      if (!cur || phase !== 'capturing') return ignore(ctx, e, 'no capture pending for this passage');
      return onFaces(ctx, cur, e.face, false);
    }
    case 'face-recognised': {
      const cur = currentPassage(ctx, e);
      if (!cur || phase !== 'recognising') return ignore(ctx, e, 'no recognition pending for this passage');
      if (e.facts) cur.facts = e.facts;
      return onFaces(ctx, cur, e.face, true);
    }
    case 'journaled': {
      const cur = currentPassage(ctx, e);
      if (!cur || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return afterJournaled(ctx, e.passageId);
    }
    case 'journal-failed': {
      const cur = currentPassage(ctx, e);
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
    entrySealed: false,
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

/** Phases in which the traveller's own evidence is still being gathered (a tailgater is decided on at once). */
const TRAVELLER_AROUND = new Set(['entering', 'capturing', 'recognising', 'closing-entry']);
/** Phases in which the entry beam still counts: until the entry door is confirmed closed behind the traveller. */
const COUNTING = new Set([...TRAVELLER_AROUND, 'journaling', 'held']);

function onEntryBeam(ctx: PeopleCtx, p: PeoplePassage, count: number, clear: boolean): void {
  const { phase } = ctx.s;
  if (phase === 'sending-back') {
    if (!clear) p.beamBroken = true;
    else if (p.beamBroken) leaveThrough(ctx, 'entry-door');
    return;
  }
  // Before the entry door opened for this passage the count belongs to no one; once it is sealed, nobody else got in.
  if (!COUNTING.has(phase) || p.stages.admitted === undefined || p.entrySealed) return;
  if (!Number.isInteger(count) || count < 0) {
    ctx.effects.push({ type: 'ignored', event: 'entry-beam', reason: 'count must be a non-negative integer' });
    return;
  }
  // Counts are cumulative since the entry door opened; a lower count never undoes a higher one.
  p.personCount = Math.max(p.personCount ?? 0, count);
  // TAILGATING from occupancy, with or without a face camera. While journaling or held the count is
  // kept: a grant being written is decided again once it is durable (afterJournaled).
  if (p.personCount > 1) return TRAVELLER_AROUND.has(phase) && !p.verdict?.reasons.includes('TAILGATING') ? conclude(ctx, decideNow(ctx, p)) : undefined;
  if (phase !== 'entering' || p.personCount !== 1 || !clear || p.inside) return;
  p.inside = true;
  p.stages.entered = ctx.at;
  actuate(ctx, 'entry-door', 'close', 'close-behind');
  if (p.verdict?.outcome === 'grant' && p.journaled) return openExitOnceSealed(ctx, p);
  capture(ctx, p);
}

/** The entry door's limit switch: closed after closing behind the traveller seals the mantrap. */
function onEntryDoor(ctx: PeopleCtx, p: PeoplePassage, closed: boolean): void {
  if (!closed) {
    if (p.entrySealed && COUNTING.has(ctx.s.phase)) p.entrySealed = false; // moving again: count again
    return;
  }
  if (!p.inside || p.entryOpen || p.entrySealed) return ignore(ctx, { type: 'entry-door' }, 'entry door not closing behind a traveller');
  p.entrySealed = true;
  p.stages.entrySealed = ctx.at;
  if (ctx.s.phase === 'closing-entry' && p.verdict?.outcome === 'grant' && p.journaled) openExitOnceSealed(ctx, p);
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

const OVERRIDABLE = new Set(['looking-up', 'entering', 'capturing', 'recognising', 'closing-entry', 'held', 'showing-result']);

function onOverride(ctx: PeopleCtx, e: Extract<PeopleFlowEvent, { type: 'officer-override' }>): void {
  const overridden = overrideVerdict(ctx, e, OVERRIDABLE, decideNow);
  if (!overridden) return;
  noteOverride(ctx, overridden.p, e);
  conclude(ctx, overridden.v);
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
    case 'closing-entry':
      // The entry door never confirmed it closed (held open, obstructed, a switch fault): the exit
      // stays shut and an officer comes; the grant stays on record.
      ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'device-fault', reason: 'entry door did not confirm closed behind the traveller' });
      show(ctx, 'wait-officer');
      return enter(ctx, 'held', t.officerMs);
    case 'exiting':
      return leaveThrough(ctx, 'exit-door');
    case 'sending-back':
      return leaveThrough(ctx, 'entry-door');
    case 'showing-result':
      return toIdle(ctx);
    case 'held':
      if (officerNotAttended(ctx, p, suspend)) return;
      if (!p.inside) return toIdle(ctx);
      actuate(ctx, 'entry-door', 'open', 'send-back');
      show(ctx, 'denied', p.verdict?.reasons);
      return enter(ctx, 'sending-back', t.sendBackMs);
    default:
      return toIdle(ctx);
  }
}

/** Hands the lane to the interlocks (see suspendLane). */
function suspend(ctx: PeopleCtx, cause: string): void {
  suspendLane(ctx, 'people', cause);
}
