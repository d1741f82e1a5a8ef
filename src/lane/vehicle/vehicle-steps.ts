/**
 * Building blocks of the vehicle flow: timers, the guarded barrier request, deciding, journaling and
 * what happens once the journal confirmed a verdict. vehicle-machine.ts routes events onto these.
 */
import { decide } from '../../decision/index.js';
import type { Evidence, OfficerOverride, PlateRead, Verdict } from '../../decision/types.js';
import type { Screen } from '../../display/display-state.js';
import { armTimer, disarmTimer, displayEffect, markJournalFailed, markJournaled, pushActuation, recordVerdict, secureLeftOpen, suspendLane, verdictJournalDraft } from '../flow-kit.js';
import { credentialJournal, unavailableFacts, type ActuatePurpose, type ActuatorAction, type JournalDraft } from '../flow-types.js';
import type { VehicleCtx, VehiclePassage, VehiclePhase } from './vehicle-types.js';

export function enter(ctx: VehicleCtx, phase: VehiclePhase, timeoutMs: number | null): void {
  ctx.s.phase = phase;
  if (timeoutMs === null) disarmTimer(ctx);
  else armTimer(ctx, 'vehicle', phase, timeoutMs);
}

export function show(ctx: VehicleCtx, screen: Screen, reasons?: readonly string[]): void {
  ctx.effects.push(displayEffect(screen, ctx.s.passage?.credential?.nationality ?? null, reasons));
}

/**
 * The durability rule in one place: the barrier moves only for a verdict the journal confirmed, and
 * opens only for a confirmed grant. A refused request is a bug here: it becomes an alarm, not a movement.
 */
export function actuate(ctx: VehicleCtx, action: ActuatorAction, purpose: ActuatePurpose): void {
  const p = ctx.s.passage;
  if (!p) return;
  const durable = p.verdict !== null && p.journaled;
  const grantOk = action !== 'open' || (purpose === 'grant' && p.verdict?.outcome === 'grant');
  if (!durable || !grantOk) {
    ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'internal-error', reason: `refused barrier ${action} (${purpose})` });
    return;
  }
  pushActuation(ctx, { type: 'actuate', passage: p.ref, target: 'barrier', action, purpose });
}

export function bestPlate(p: VehiclePassage): PlateRead | null {
  if (!p.front) return p.rear;
  if (!p.rear) return p.front;
  return p.rear.confidence > p.front.confidence ? p.rear : p.front;
}

export function evidenceOf(p: VehiclePassage, override?: OfficerOverride): Evidence {
  return {
    vehicle: { plate: bestPlate(p), rfid: p.rfid },
    credential: p.credential,
    ...(override ? { override } : {}),
  };
}

/**
 * decide() at the event's time. The plate/tag agreement is judged by decide() on the store's
 * VehicleFacts (vehicleByPlate with its fuzzy matchDistance, vehicleByEpc); this machine does not
 * compare plates itself. Before the lookup answered the facts stand in as "unavailable".
 */
export function decideNow(ctx: VehicleCtx, p: VehiclePassage, override?: OfficerOverride): Verdict {
  return decide(evidenceOf(p, override), p.facts ?? unavailableFacts(), ctx.config.policy, { now: () => ctx.at });
}

function plateJournal(r: PlateRead | null): JournalDraft['evidence'][string] {
  return r ? { text: r.text, country: r.country, confidence: r.confidence } : null;
}

/** The verdict is final: write it to the journal and wait; the barrier stays until `journaled`. */
export function conclude(ctx: VehicleCtx, v: Verdict): void {
  const p = ctx.s.passage;
  if (!p) return;
  const evidence = {
    plateFront: plateJournal(p.front),
    plateRear: plateJournal(p.rear),
    epc: p.rfid?.epc ?? null,
    otherEpcs: [...p.otherEpcs],
    driverCredential: credentialJournal(p.credential),
  };
  recordVerdict(ctx, p, v, verdictJournalDraft(ctx, 'vehicle', p, v, evidence));
  enter(ctx, 'journaling', ctx.config.timeouts.journalMs);
}

export function afterJournaled(ctx: VehicleCtx, passageId: string): void {
  const p = markJournaled(ctx, passageId);
  if (!p || !p.verdict) return;
  if (p.verdict.outcome === 'grant') {
    actuate(ctx, 'open', 'grant');
    show(ctx, 'vehicle-proceed');
    enter(ctx, 'passing', ctx.config.timeouts.passMs);
    return;
  }
  if (p.verdict.officerId !== undefined) return afterOfficerRefusal(ctx, p.verdict.outcome);
  // deny, refer, alarm: a truck cannot turn round in the lane; an officer comes, the reason is shown.
  show(ctx, 'vehicle-stop', p.verdict.reasons);
  enter(ctx, 'held', ctx.config.timeouts.officerMs);
}

/**
 * An officer decided against passing and it is journaled: nobody is waited for any more. A deny
 * sends the vehicle back (the barrier stays down), a refer keeps it for the officer who is dealing
 * with it; either way the loop clearing ends the passage, and no officer-not-attended alarm follows.
 */
function afterOfficerRefusal(ctx: VehicleCtx, outcome: string): void {
  if (outcome === 'deny') {
    ctx.effects.push({ type: 'display', screen: 'vehicle-stop', reason: 'reverse-out' });
    return enter(ctx, 'leaving', ctx.config.timeouts.passMs);
  }
  show(ctx, 'wait-officer');
  enter(ctx, 'held', ctx.config.timeouts.officerMs);
}

export function journalFailed(ctx: VehicleCtx, why: string): void {
  if (!markJournalFailed(ctx, why)) return;
  show(ctx, 'vehicle-stop', ['STORE_UNAVAILABLE']);
  enter(ctx, 'held', ctx.config.timeouts.officerMs);
}

/** Passage over (or back in service): a barrier left open is closed (see secureLeftOpen). */
export function toIdle(ctx: VehicleCtx): void {
  disarmTimer(ctx);
  ctx.s.passage = null;
  ctx.s.phase = 'idle';
  secureLeftOpen(ctx);
  // A refused vehicle may still stand on the loop: keep it stopped until it has gone.
  ctx.effects.push({ type: 'display', screen: ctx.s.loopOccupied ? 'vehicle-stop' : 'vehicle-advance' });
}

/** Hands the lane to the interlocks (see suspendLane); an open read window is closed first. */
export function suspend(ctx: VehicleCtx, cause: string): void {
  const p = ctx.s.passage;
  if (p && !p.journaled && ctx.s.phase === 'reading') ctx.effects.push({ type: 'close-read-window', passage: p.ref });
  suspendLane(ctx, 'vehicle', cause);
}
