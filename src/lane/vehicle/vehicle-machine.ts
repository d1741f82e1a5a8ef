/**
 * The vehicle lane as a pure state machine:
 *   idle -> loop occupied -> reading (plate + RFID window) -> looking-up -> [awaiting-driver ->
 *   looking-up] -> journaling -> passing (barrier open until the loop clears) | held (officer) -> idle.
 * Every step has a timeout clamped to the passage deadline; emergencies, free pass, device faults and
 * journal failures suspend the lane until the cause clears (and a person resets where needed).
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
  takeDueTimer,
} from '../flow-kit.js';
import { noSuspension, type FlowStep, type VehicleFlowEvent } from '../flow-types.js';
import { actuate, afterJournaled, bestPlate, conclude, decideNow, enter, journalFailed, show, suspend, toIdle } from './vehicle-steps.js';
import { vehiclePassageLimitMs, type VehicleCtx, type VehicleFlowConfig, type VehicleFlowState, type VehiclePassage } from './vehicle-types.js';

export function initialVehicleState(): VehicleFlowState {
  return { phase: 'idle', passage: null, timer: null, suspension: noSuspension(), opened: {}, loopOccupied: false, passagesStarted: 0 };
}

/** One step. Never throws: an unexpected failure suspends the lane (fail secure) and raises an alarm. */
export function stepVehicle(config: VehicleFlowConfig, state: VehicleFlowState, event: VehicleFlowEvent): FlowStep<VehicleFlowState> {
  return guardedStep(config, state, event, route);
}

function route(ctx: VehicleCtx, e: VehicleFlowEvent): void {
  if (isSuspensionEvent(e)) return onSuspensionEvent(ctx, e, suspend, resume);
  if (e.type === 'found-open') return onFoundOpen(ctx, e, ['barrier']);
  if (e.type === 'loop') return onLoop(ctx, e.occupied === true);
  if (ctx.s.phase === 'suspended') return ignore(ctx, e, 'lane suspended');
  const p = ctx.s.passage;
  const { phase } = ctx.s;
  switch (e.type) {
    case 'timer':
      return takeDueTimer(ctx, e) ? onTimeout(ctx) : undefined;
    case 'plate-read':
      if (!p || phase !== 'reading') return ignore(ctx, e, 'read window closed');
      return onPlate(ctx, p, e);
    case 'rfid-read':
      if (!p || phase !== 'reading') return ignore(ctx, e, 'read window closed');
      if (typeof e.rfid?.epc !== 'string') return ignore(ctx, e, 'rfid.epc must be a hex string');
      if (!p.rfid) p.rfid = { epc: e.rfid.epc, tid: typeof e.rfid.tid === 'string' ? e.rfid.tid : null };
      else if (p.rfid.epc !== e.rfid.epc && !p.otherEpcs.includes(e.rfid.epc) && p.otherEpcs.length < 8) p.otherEpcs.push(e.rfid.epc);
      return readsComplete(ctx, p) ? finishReading(ctx, p) : undefined;
    case 'credential-presented':
      if (!p || phase !== 'awaiting-driver') return ignore(ctx, e, 'no driver credential asked for');
      if (!e.credential) return show(ctx, 'vehicle-stop', ['DRIVER_CREDENTIAL_MISSING']);
      p.credential = e.credential;
      p.stages.driverPresented = ctx.at;
      ctx.effects.push({ type: 'lookup-credential', passage: p.ref, credential: e.credential, vehicle: { plate: bestPlate(p), rfid: p.rfid } });
      return enter(ctx, 'looking-up', ctx.config.timeouts.lookupMs);
    case 'facts': {
      const cur = currentPassage(ctx, e);
      if (!cur || phase !== 'looking-up') return ignore(ctx, e, 'no lookup pending for this passage');
      cur.facts = e.facts;
      cur.stages.identified = ctx.at;
      return afterLookup(ctx, cur);
    }
    case 'journaled':
      if (!currentPassage(ctx, e) || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return afterJournaled(ctx, e.passageId);
    case 'journal-failed':
      if (!currentPassage(ctx, e) || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return journalFailed(ctx, String(e.error).slice(0, 120));
    case 'officer-override':
      return onOverride(ctx, e);
    default:
      return ignore(ctx, e, 'unknown event type');
  }
}

function onLoop(ctx: VehicleCtx, occupied: boolean): void {
  const rising = occupied && !ctx.s.loopOccupied;
  ctx.s.loopOccupied = occupied;
  const p = ctx.s.passage;
  if (ctx.s.phase === 'idle') {
    if (rising) startPassage(ctx);
    else if (!occupied) show(ctx, 'vehicle-advance');
    return;
  }
  if (!p || occupied) return;
  if (ctx.s.phase === 'passing') {
    p.stages.left = ctx.at;
    actuate(ctx, 'close', 'close-after'); // the interlocks hold the close until every presence input is clear
    return toIdle(ctx);
  }
  if (ctx.s.phase === 'leaving' || (ctx.s.phase === 'held' && p.journaled && p.verdict?.officerId !== undefined)) {
    // Refused by an officer and gone: the passage is over (the barrier never opened).
    p.stages.left = ctx.at;
    return toIdle(ctx);
  }
  if (ctx.s.phase === 'reading') {
    // Drove off before anything was decided: nothing to journal, nothing moved.
    ctx.effects.push({ type: 'close-read-window', passage: p.ref });
    toIdle(ctx);
  }
}

function startPassage(ctx: VehicleCtx): void {
  const n = ctx.s.passagesStarted + 1;
  ctx.s.passagesStarted = n;
  const t = ctx.config.timeouts;
  ctx.s.passage = {
    ref: `v${n}`,
    startedAt: ctx.at,
    deadline: ctx.at + vehiclePassageLimitMs(t),
    stages: { arrived: ctx.at },
    front: null,
    rear: null,
    rfid: null,
    otherEpcs: [],
    credential: null,
    askedDriver: false,
    facts: null,
    verdict: null,
    journaled: false,
    journalIds: [],
    overrideSource: null,
  };
  ctx.effects.push({ type: 'open-read-window', passage: `v${n}`, ms: t.readWindowMs });
  show(ctx, 'vehicle-stop');
  enter(ctx, 'reading', t.readWindowMs);
}

function onPlate(ctx: VehicleCtx, p: VehiclePassage, e: Extract<VehicleFlowEvent, { type: 'plate-read' }>): void {
  const r = e.plate;
  const ok = typeof r === 'object' && r !== null && typeof r.text === 'string' && typeof r.country === 'string' && typeof r.confidence === 'number';
  if (!ok || (e.camera !== 'front' && e.camera !== 'rear')) return ignore(ctx, e, 'plate read needs camera front|rear and {text, country, confidence}');
  const read = { text: r.text, country: r.country, confidence: r.confidence };
  const prev = e.camera === 'front' ? p.front : p.rear;
  // Keep the most confident read per camera; a NaN confidence never replaces a real one (decide() flags it).
  if (!prev || read.confidence > prev.confidence) {
    if (e.camera === 'front') p.front = read;
    else p.rear = read;
  }
  if (readsComplete(ctx, p)) finishReading(ctx, p);
}

/** Everything the policy needs has been read well enough: no reason to keep the truck waiting. */
function readsComplete(ctx: VehicleCtx, p: VehiclePassage): boolean {
  const { policy, rearCamera } = ctx.config;
  const plate = bestPlate(p);
  const plateOk = !policy.requirePlate || (plate !== null && plate.confidence >= policy.minPlateConfidence && (!rearCamera || p.rear !== null));
  const rfidOk = !policy.requireRfid || p.rfid !== null;
  return plateOk && rfidOk;
}

function finishReading(ctx: VehicleCtx, p: VehiclePassage): void {
  p.stages.read = ctx.at;
  ctx.effects.push({ type: 'close-read-window', passage: p.ref });
  ctx.effects.push({ type: 'lookup-vehicle', passage: p.ref, vehicle: { plate: bestPlate(p), rfid: p.rfid }, credential: p.credential });
  enter(ctx, 'looking-up', ctx.config.timeouts.lookupMs);
}

/** Ask the driver for a pass once when that is all that is missing; otherwise the verdict is final. */
function afterLookup(ctx: VehicleCtx, p: VehiclePassage): void {
  const v = decideNow(ctx, p);
  const onlyDriverMissing = v.missing.length > 0 && v.missing.every((m) => m === 'driver-credential');
  if (onlyDriverMissing && !p.askedDriver) {
    p.askedDriver = true;
    show(ctx, 'vehicle-stop', v.reasons);
    return enter(ctx, 'awaiting-driver', ctx.config.timeouts.driverMs);
  }
  conclude(ctx, v); // a provisional verdict (still missing a factor) becomes final: policy.onMissingFactor
}

const OVERRIDABLE = new Set(['reading', 'looking-up', 'awaiting-driver', 'held', 'leaving']);

function onOverride(ctx: VehicleCtx, e: Extract<VehicleFlowEvent, { type: 'officer-override' }>): void {
  const overridden = overrideVerdict(ctx, e, OVERRIDABLE, decideNow);
  if (!overridden) return;
  if (ctx.s.phase === 'reading') ctx.effects.push({ type: 'close-read-window', passage: overridden.p.ref });
  noteOverride(ctx, overridden.p, e);
  conclude(ctx, overridden.v);
}

function onTimeout(ctx: VehicleCtx): void {
  const p = ctx.s.passage;
  if (!p) return toIdle(ctx);
  switch (ctx.s.phase) {
    case 'reading':
      return finishReading(ctx, p);
    case 'looking-up':
    case 'awaiting-driver':
      return conclude(ctx, decideNow(ctx, p));
    case 'journaling':
      return journalFailed(ctx, 'journal did not confirm in time');
    case 'passing':
      p.stages.left = ctx.at;
      actuate(ctx, 'close', 'close-after');
      return toIdle(ctx);
    case 'held':
      if (officerNotAttended(ctx, p, suspend)) return;
      return toIdle(ctx);
    case 'leaving':
      return toIdle(ctx); // still on the loop: toIdle keeps the stop screen until it has gone
    default:
      return toIdle(ctx);
  }
}

/** Back in service after a suspension: a vehicle already waiting on the loop is served, not ignored. */
function resume(ctx: VehicleCtx): void {
  toIdle(ctx);
  if (ctx.s.loopOccupied) startPassage(ctx);
}
