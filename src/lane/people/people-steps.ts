/**
 * Building blocks of the people flow: timers, the guarded actuation, deciding, journaling and what
 * happens once the journal confirmed a verdict. people-machine.ts routes events onto these.
 */
import { decide } from '../../decision/index.js';
import type { Evidence, OfficerOverride, Verdict } from '../../decision/types.js';
import type { Screen } from '../../display/display-state.js';
import { armTimer, disarmTimer, displayEffect, markJournalFailed, markJournaled, pushActuation, recordVerdict, secureLeftOpen, verdictJournalDraft } from '../flow-kit.js';
import { credentialJournal, faceJournal, unavailableFacts, type ActuatePurpose, type ActuatorAction, type ActuatorTarget } from '../flow-types.js';
import type { PeopleCtx, PeoplePassage, PeoplePhase } from './people-types.js';

/** Arms the single timer of the current step, never past the passage deadline. */
export function arm(ctx: PeopleCtx, step: string, ms: number): void {
  armTimer(ctx, 'people', step, ms);
}

export function show(ctx: PeopleCtx, screen: Screen, reasons?: readonly string[]): void {
  ctx.effects.push(displayEffect(screen, ctx.s.passage?.credential.nationality ?? null, reasons));
}

/**
 * The durability rule, enforced at the single place doors are asked to move: once a verdict exists,
 * nothing moves until the journal confirmed it, and only a journaled grant opens the exit door.
 * A refused request is a bug in this machine: it is turned into an alarm, never into a movement.
 */
export function actuate(ctx: PeopleCtx, target: ActuatorTarget, action: ActuatorAction, purpose: ActuatePurpose): void {
  const p = ctx.s.passage;
  if (!p) return;
  const durable = p.verdict !== null && p.journaled;
  const preVerdict = p.verdict === null && (purpose === 'admit' || purpose === 'close-behind');
  const grantOk = purpose !== 'grant' || (durable && p.verdict?.outcome === 'grant');
  if (!(durable || preVerdict) || !grantOk) {
    ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'internal-error', reason: `refused ${target} ${action} (${purpose})` });
    return;
  }
  if (target === 'entry-door') {
    p.entryOpen = action === 'open';
    if (action === 'open') p.entrySealed = false;
    if (purpose === 'admit') p.stages.admitted ??= ctx.at;
  }
  pushActuation(ctx, { type: 'actuate', passage: p.ref, target, action, purpose });
}

export function evidenceOf(p: PeoplePassage, override?: OfficerOverride): Evidence {
  return {
    credential: p.credential,
    face: p.face,
    occupancy: { personCount: p.personCount, vehicleCount: null },
    ...(override ? { override } : {}),
  };
}

/** decide() at the event's time; the facts stand in as "unavailable" until the lookup answered. */
export function decideNow(ctx: PeopleCtx, p: PeoplePassage, override?: OfficerOverride): Verdict {
  return decide(evidenceOf(p, override), p.facts ?? unavailableFacts(), ctx.config.policy, { now: () => ctx.at });
}

export function enter(ctx: PeopleCtx, phase: PeoplePhase, timeoutMs: number | null): void {
  ctx.s.phase = phase;
  if (ctx.s.passage) ctx.s.passage.beamBroken = false;
  if (timeoutMs === null) disarmTimer(ctx);
  else arm(ctx, phase, timeoutMs);
}

/** The verdict is final: write it to the journal and wait; no door moves until `journaled`. */
export function conclude(ctx: PeopleCtx, v: Verdict): void {
  const p = ctx.s.passage;
  if (!p) return;
  const evidence = {
    credential: credentialJournal(p.credential),
    face: faceJournal(p.face),
    personCount: p.personCount,
    faceAttempts: p.faceAttempts,
  };
  recordVerdict(ctx, p, v, verdictJournalDraft(ctx, 'people', p, v, evidence));
  show(ctx, 'processing');
  enter(ctx, 'journaling', ctx.config.timeouts.journalMs);
}

/** The verdict is durable: now the doors may act on it. */
export function afterJournaled(ctx: PeopleCtx, passageId: string): void {
  const p = markJournaled(ctx, passageId);
  if (!p || !p.verdict) return;
  const v = p.verdict;
  const t = ctx.config.timeouts;
  if (v.outcome === 'grant') {
    // Someone slipped in while the verdict was being written (decide() never grants two persons, so
    // the count rose after it): a new decision, not a grant. An officer's grant stands: they saw the lane.
    if ((p.personCount ?? 0) > 1 && v.officerId === undefined) return conclude(ctx, decideNow(ctx, p));
    if (p.inside) {
      openExitOnceSealed(ctx, p);
    } else {
      // Granted before stepping in (no face needed, or an officer): admit, then the exit opens once inside.
      if (!p.entryOpen) actuate(ctx, 'entry-door', 'open', 'admit');
      show(ctx, 'enter');
      enter(ctx, 'entering', t.enterMs);
    }
    return;
  }
  if (v.outcome === 'deny') {
    if (p.inside) {
      actuate(ctx, 'entry-door', 'open', 'send-back');
      show(ctx, 'denied', v.reasons);
      enter(ctx, 'sending-back', t.sendBackMs);
    } else {
      if (p.entryOpen) actuate(ctx, 'entry-door', 'close', 'close-after');
      show(ctx, 'denied', v.reasons);
      enter(ctx, 'showing-result', t.resultMs);
    }
    return;
  }
  show(ctx, 'wait-officer', v.reasons);
  enter(ctx, 'held', t.officerMs);
}

/**
 * Granted and inside: the exit opens only once the entry door is confirmed closed behind the
 * traveller (until then the entry beam still counts, so a second person is caught as TAILGATING).
 */
export function openExitOnceSealed(ctx: PeopleCtx, p: PeoplePassage): void {
  if (!p.entrySealed) {
    show(ctx, 'processing');
    enter(ctx, 'closing-entry', ctx.config.timeouts.enterMs);
    return;
  }
  actuate(ctx, 'exit-door', 'open', 'grant');
  show(ctx, 'proceed');
  enter(ctx, 'exiting', ctx.config.timeouts.exitMs);
}

/** Fail secure: the passage is not durable, so nothing moves; an officer must come. */
export function journalFailed(ctx: PeopleCtx, why: string): void {
  if (!markJournalFailed(ctx, why)) return;
  show(ctx, 'wait-officer');
  enter(ctx, 'held', ctx.config.timeouts.officerMs);
}

/** Passage over (or back in service): nothing left open, back to waiting for the next traveller. */
export function toIdle(ctx: PeopleCtx): void {
  disarmTimer(ctx);
  ctx.s.passage = null;
  ctx.s.phase = 'idle';
  secureLeftOpen(ctx);
  ctx.effects.push({ type: 'display', screen: 'scan-credential' });
}
