/**
 * The vehicle lane as a pure state machine:
 *   idle -> loop occupied -> reading (plate + RFID window) -> looking-up -> [awaiting-driver ->
 *   looking-up] -> journaling -> passing (barrier open until the loop clears) | held (officer) -> idle.
 * Every step has a timeout clamped to the passage deadline; emergencies, free pass, device faults and
 * journal failures suspend the lane until the cause clears (and a person resets where needed).
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
  type VehicleFlowEvent,
} from '../flow-types.js';
import { actuate, afterJournaled, bestPlate, conclude, decideNow, enter, journalFailed, show, suspend, toIdle } from './vehicle-steps.js';
import { vehiclePassageLimitMs, type VehicleCtx, type VehicleFlowConfig, type VehicleFlowState, type VehiclePassage } from './vehicle-types.js';

export function initialVehicleState(): VehicleFlowState {
  return { phase: 'idle', passage: null, timer: null, suspension: noSuspension(), loopOccupied: false, passagesStarted: 0 };
}

/** One step. Never throws: an unexpected failure suspends the lane (fail secure) and raises an alarm. */
export function stepVehicle(config: VehicleFlowConfig, state: VehicleFlowState, event: VehicleFlowEvent): FlowStep<VehicleFlowState> {
  const problem = eventShapeProblem(event);
  if (problem) return { state, effects: [{ type: 'ignored', event: eventName(event), reason: problem }] };
  const ctx: VehicleCtx = { config, s: structuredClone(state), effects: [], at: event.at };
  try {
    route(ctx, event);
    return { state: ctx.s, effects: ctx.effects };
  } catch (err) {
    const s: VehicleFlowState = { ...structuredClone(state), phase: 'suspended', passage: null, timer: null };
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

function ignore(ctx: VehicleCtx, e: VehicleFlowEvent, reason: string): void {
  ctx.effects.push({ type: 'ignored', event: e.type, reason });
}

function current(ctx: VehicleCtx, e: { passage: string }): VehiclePassage | null {
  const p = ctx.s.passage;
  return p && p.ref === e.passage ? p : null;
}

function route(ctx: VehicleCtx, e: VehicleFlowEvent): void {
  switch (e.type) {
    case 'emergency':
    case 'free-pass':
    case 'device-fault':
    case 'device-ok':
    case 'reset':
      return onSuspensionEvent(ctx, e);
    case 'loop':
      return onLoop(ctx, e.occupied === true);
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
      const cur = current(ctx, e);
      if (!cur || phase !== 'looking-up') return ignore(ctx, e, 'no lookup pending for this passage');
      cur.facts = e.facts;
      cur.stages.identified = ctx.at;
      return afterLookup(ctx, cur);
    }
    case 'journaled':
      if (!current(ctx, e) || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
      return afterJournaled(ctx, e.passageId);
    case 'journal-failed':
      if (!current(ctx, e) || phase !== 'journaling') return ignore(ctx, e, 'no journal write pending for this passage');
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

const OVERRIDABLE = new Set(['reading', 'looking-up', 'awaiting-driver', 'held']);

function onOverride(ctx: VehicleCtx, e: Extract<VehicleFlowEvent, { type: 'officer-override' }>): void {
  const p = ctx.s.passage;
  if (!p || !OVERRIDABLE.has(ctx.s.phase)) return ignore(ctx, e, `no passage to override in phase ${ctx.s.phase}`);
  const override: OfficerOverride = { officerId: e.officerId, outcome: e.outcome, reason: e.reason };
  const v = decideNow(ctx, p, override);
  if (v.reasons.includes('OVERRIDE_INVALID') || (e.source !== 'lanectl' && e.source !== 'mqtt')) {
    return ignore(ctx, e, 'override invalid: needs officerId (1-64 chars), a known outcome, a reason and source lanectl|mqtt');
  }
  if (ctx.s.phase === 'reading') ctx.effects.push({ type: 'close-read-window', passage: p.ref });
  p.overrideSource = e.source;
  p.stages.overridden = ctx.at;
  conclude(ctx, v);
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
      ctx.effects.push({ type: 'alarm', passage: p.ref, kind: 'officer-not-attended', reason: p.verdict?.outcome ?? 'journal-failed' });
      if (!p.journaled) {
        ctx.s.suspension.journalFailed = true;
        return suspend(ctx, 'journal-failed');
      }
      return toIdle(ctx);
    default:
      return toIdle(ctx);
  }
}

function onSuspensionEvent(ctx: VehicleCtx, e: CommonFlowEvent): void {
  const before = isSuspended(ctx.s.suspension);
  const change = applySuspensionEvent(ctx.s.suspension, e);
  if (change === null) {
    ctx.effects.push({ type: 'ignored', event: e.type, reason: 'nothing to change' });
    return;
  }
  if (change !== 'changed') ctx.effects.push({ type: 'alarm', passage: ctx.s.passage?.ref ?? null, kind: change, reason: e.type });
  const after = isSuspended(ctx.s.suspension);
  if (!before && after) return suspend(ctx, e.type);
  if (before && !after) {
    toIdle(ctx);
    if (ctx.s.loopOccupied) startPassage(ctx); // a vehicle already waiting is served, not ignored
    return;
  }
  if (after) ctx.effects.push({ type: 'display', screen: suspendedScreen(ctx.s.suspension) });
}
