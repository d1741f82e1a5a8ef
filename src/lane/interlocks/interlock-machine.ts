import type {
  ActuateReason,
  BarrierAction,
  BarrierInterlockState,
  FailState,
  InterlockBarrierConfig,
  InterlockConfig,
  InterlockEffect,
  InterlockEvent,
  InterlockState,
  InterlockStep,
} from './types.js';

/**
 * The safety interlock state machine (see types.ts for the rules it enforces). Pure: the same
 * (config, state, event) always gives the same step; nothing here reads a clock or touches a device.
 */

export const EGRESS_CHECK_TIMER = 'egress-check';
const DEFAULT_EGRESS_CHECK_MS = 100;

/** A close (or a hold release, after which the door operator closes the door) is a closing movement. */
type ClosingAction = NonNullable<BarrierInterlockState['pendingClose']>;

interface Draft {
  barriers: Record<string, BarrierInterlockState>;
  presence: Record<string, boolean>;
  emergencyInputs: string[];
  emergencyLatched: boolean;
  freePass: boolean;
  faults: Record<string, string>;
  signal: 'red' | 'green';
  timers: Record<string, number>;
}

export function initialInterlockState(config: InterlockConfig): InterlockState {
  const barriers: Record<string, BarrierInterlockState> = {};
  for (const b of config.barriers) barriers[b.id] = { position: 'unknown', demand: null, pendingClose: null, owedClose: null };
  return {
    barriers,
    presence: {},
    emergencyInputs: [],
    emergencyLatched: false,
    freePass: false,
    faults: {},
    signal: 'red',
    timers: {},
  };
}

/** Configuration mistakes, one line each; empty when the config is usable. */
export function validateInterlockConfig(config: InterlockConfig): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  config.barriers.forEach((b, i) => {
    if (b.id.length === 0) problems.push(`barriers[${i}].id: must not be empty`);
    if (seen.has(b.id)) problems.push(`barriers[${i}].id: duplicate barrier id '${b.id}'`);
    seen.add(b.id);
  });
  if (config.egressCheckMs !== undefined && !(config.egressCheckMs > 0)) problems.push('egressCheckMs: must be > 0');
  return problems;
}

export function failStateOf(barrier: InterlockBarrierConfig): FailState {
  return barrier.failState ?? (barrier.role === 'egress-door' ? 'open' : 'as-is');
}

export function isLaneFaulted(state: InterlockState): boolean {
  return Object.keys(state.faults).length > 0;
}

/** Presence inputs of a barrier that are active or not yet reported (unknown is not clear). */
export function blockingInputs(barrier: InterlockBarrierConfig, state: Pick<InterlockState, 'presence'>): string[] {
  return barrier.presence.filter((input) => state.presence[input] !== false);
}

export function stepInterlock(config: InterlockConfig, state: InterlockState, event: InterlockEvent): InterlockStep {
  const draft = toDraft(state);
  const effects: InterlockEffect[] = [];
  const ctx: Ctx = { config, draft, effects, event };
  switch (event.type) {
    case 'presence':
      onPresence(ctx, event.input, event.active);
      break;
    case 'position':
      onPosition(ctx, event.barrier, event.position);
      break;
    case 'command':
      onCommand(ctx, event.barrier, event.action);
      break;
    case 'grant':
      onGrant(ctx, event.barrier);
      break;
    case 'emergency':
      onEmergency(ctx, event.input, event.active, event.at);
      break;
    case 'reset':
      onReset(ctx, event.source);
      break;
    case 'free-pass':
      onFreePass(ctx, event.active);
      break;
    case 'device-fault':
      onDeviceFault(ctx, event.device, event.reason);
      break;
    case 'device-ok':
      onDeviceOk(ctx, event.device);
      break;
    case 'timer':
      onTimer(ctx, event.key, event.at);
      break;
    default:
      // Events come from other processes' code; a malformed one must not throw in the safety layer.
      break;
  }
  return { state: fromDraft(draft), effects };
}

// ---- handlers ----

interface Ctx {
  config: InterlockConfig;
  draft: Draft;
  effects: InterlockEffect[];
  event: InterlockEvent;
}

function onPresence(ctx: Ctx, input: string, active: boolean): void {
  ctx.draft.presence[input] = active;
  for (const b of ctx.config.barriers) {
    if (!b.presence.includes(input)) continue;
    const bs = ctx.draft.barriers[b.id]!;
    if (active) {
      // Obstruction: a closing movement requested and not yet confirmed closed, or a closing reported.
      const closing = (bs.demand === 'close' || bs.demand === 'release-hold') && bs.position !== 'closed';
      if (closing || bs.position === 'closing') {
        actuate(ctx, b.id, 'open', 'obstruction');
        // Close again once the way is clear, as the lane had asked.
        bs.pendingClose = bs.demand === 'release-hold' ? 'release-hold' : 'close';
        bs.demand = 'open';
      }
    } else {
      tryPendingClose(ctx, b);
    }
  }
}

function onPosition(ctx: Ctx, barrierId: string, position: BarrierInterlockState['position']): void {
  const b = barrierConfig(ctx, barrierId);
  if (!b) return;
  const bs = ctx.draft.barriers[b.id]!;
  bs.position = position;
  const hold = holdReason(ctx, b);
  if (hold !== null && (position === 'closing' || position === 'closed' || position === 'stopped')) {
    // Something (a PLC, a hand, a spring) moved a door that must stay open: ask again.
    actuate(ctx, b.id, 'hold-open', hold);
    bs.demand = 'hold-open';
    return;
  }
  if (position === 'closing' && blockingInputs(b, ctx.draft).length > 0) {
    actuate(ctx, b.id, 'open', 'obstruction');
    if (bs.demand === 'close' || bs.demand === 'release-hold') bs.pendingClose = bs.demand;
    bs.demand = 'open';
  }
}

function onCommand(ctx: Ctx, barrierId: string, action: BarrierAction): void {
  const b = barrierConfig(ctx, barrierId);
  if (!b) return;
  const bs = ctx.draft.barriers[b.id]!;
  if (action === 'open' || action === 'hold-open') {
    // Opening is always safe.
    bs.pendingClose = null;
    bs.demand = action;
    actuate(ctx, b.id, action, 'command');
    return;
  }
  const refusal = movementRefusal(ctx, b);
  if (refusal) {
    reject(ctx, b.id, refusal);
    return;
  }
  if (action === 'stop') {
    bs.pendingClose = null;
    bs.demand = 'stop';
    actuate(ctx, b.id, 'stop', 'command');
    return;
  }
  requestClose(ctx, b, action, 'command');
}

function onGrant(ctx: Ctx, barrierId: string): void {
  const b = barrierConfig(ctx, barrierId);
  if (!b) return;
  if (isFaulted(ctx.draft)) return reject(ctx, b.id, 'lane-faulted');
  if (ctx.draft.emergencyLatched) return reject(ctx, b.id, 'emergency');
  const bs = ctx.draft.barriers[b.id]!;
  bs.pendingClose = null;
  bs.demand = 'open';
  actuate(ctx, b.id, 'open', 'grant');
  setSignal(ctx, 'green');
}

function onEmergency(ctx: Ctx, input: string, active: boolean, at: number): void {
  const d = ctx.draft;
  d.emergencyInputs = d.emergencyInputs.filter((i) => i !== input);
  if (active) d.emergencyInputs.push(input);
  if (!active || d.emergencyLatched) return;
  d.emergencyLatched = true;
  ctx.effects.push({ type: 'alarm', code: 'emergency', raised: true, detail: `emergency input '${input}' active` });
  setSignal(ctx, 'red');
  holdEgressOpen(ctx, 'emergency');
  const dueAt = at + (ctx.config.egressCheckMs ?? DEFAULT_EGRESS_CHECK_MS);
  d.timers[EGRESS_CHECK_TIMER] = dueAt;
  ctx.effects.push({ type: 'set-timer', key: EGRESS_CHECK_TIMER, dueAt });
}

function onReset(ctx: Ctx, source: string): void {
  const d = ctx.draft;
  if (source === 'mqtt') return reject(ctx, undefined, 'reset-needs-person');
  if (!d.emergencyLatched) return reject(ctx, undefined, 'nothing-to-reset');
  if (d.emergencyInputs.length > 0) return reject(ctx, undefined, 'emergency-still-active');
  d.emergencyLatched = false;
  ctx.effects.push({ type: 'alarm', code: 'emergency', raised: false, detail: 'emergency cleared and reset on site' });
  if (d.timers[EGRESS_CHECK_TIMER] !== undefined) {
    delete d.timers[EGRESS_CHECK_TIMER];
    ctx.effects.push({ type: 'cancel-timer', key: EGRESS_CHECK_TIMER });
  }
  releaseHeldDoors(ctx, 'reset');
}

function onFreePass(ctx: Ctx, active: boolean): void {
  const d = ctx.draft;
  if (active === d.freePass) return;
  d.freePass = active;
  if (active) holdEgressOpen(ctx, 'free-pass');
  else releaseHeldDoors(ctx, 'free-pass');
}

function onDeviceFault(ctx: Ctx, device: string, reason: string): void {
  const d = ctx.draft;
  if (d.faults[device] === reason) return;
  const wasFaulted = isFaulted(d);
  d.faults[device] = reason;
  ctx.effects.push({ type: 'alarm', code: 'device-fault', raised: true, detail: `${device}: ${reason}` });
  if (wasFaulted) return;
  setSignal(ctx, 'red');
  for (const b of ctx.config.barriers) {
    const bs = d.barriers[b.id]!;
    const dropped = bs.pendingClose;
    bs.pendingClose = null; // nothing closes while faulted
    if (failStateOf(b) === 'open') {
      // Held open as its fail state: the hold's release on recovery closes it, nothing is owed.
      bs.demand = 'hold-open';
      actuate(ctx, b.id, 'hold-open', 'fail-state');
    } else if (dropped !== null) oweClose(ctx, b.id, dropped);
  }
}

function onDeviceOk(ctx: Ctx, device: string): void {
  const d = ctx.draft;
  if (d.faults[device] === undefined) return;
  delete d.faults[device];
  ctx.effects.push({ type: 'alarm', code: 'device-fault', raised: false, detail: `${device}: recovered` });
  if (isFaulted(d)) return;
  releaseHeldDoors(ctx, 'recovered', (b) => failStateOf(b) === 'open');
  reassertCloses(ctx);
  reaskOwedCloses(ctx);
}

/**
 * Back from a fault: a close asked for just before or during it may have been lost by the device (a PLC
 * in its own fault state refuses methods; a link that dropped took the command with it). Every barrier
 * last asked to close that does not report closed/closing is asked again, presence-guarded as always.
 */
function reassertCloses(ctx: Ctx): void {
  for (const b of ctx.config.barriers) {
    const bs = ctx.draft.barriers[b.id]!;
    const open = bs.position === 'opened' || bs.position === 'opening' || bs.position === 'stopped';
    if (bs.demand === 'close' && bs.pendingClose === null && open) requestClose(ctx, b, 'close', 'recovered');
  }
}

/**
 * Back from a fault: a close this layer was holding back for a presence, and forgot because the fault
 * dropped it, is asked for again. reassertCloses covers only a close that had been SENT; without this,
 * the flow (which had counted the barrier as closing) would leave it open on an idle lane. Found by the
 * chaos run (seed 1584951485): a PLC restart whose fault came back for a moment right after the link
 * did left the vehicle boom open. A barrier reported closed/closing, or whose close this step already
 * sent or deferred again, needs nothing; the re-asked close is guarded like any other.
 */
function reaskOwedCloses(ctx: Ctx): void {
  for (const b of ctx.config.barriers) {
    const bs = ctx.draft.barriers[b.id]!;
    const action = bs.owedClose;
    if (action === null) continue;
    bs.owedClose = null;
    if (bs.position === 'closed' || bs.position === 'closing' || bs.pendingClose !== null) continue;
    ctx.effects.push({ type: 'close-reasked', barrier: b.id, action });
    const refusal = movementRefusal(ctx, b);
    if (refusal) {
      reject(ctx, b.id, refusal);
      continue;
    }
    requestClose(ctx, b, action, 'recovered');
  }
}

function onTimer(ctx: Ctx, key: string, at: number): void {
  const d = ctx.draft;
  const due = d.timers[key];
  if (due === undefined || at < due) return; // stale or early: not ours to act on
  delete d.timers[key];
  if (key !== EGRESS_CHECK_TIMER || !d.emergencyLatched) return;
  for (const b of ctx.config.barriers) {
    if (b.role !== 'egress-door') continue;
    const position = d.barriers[b.id]!.position;
    if (position !== 'opened' && position !== 'opening') {
      ctx.effects.push({
        type: 'alarm',
        code: 'egress-door-not-open',
        raised: true,
        detail: `egress door '${b.id}' is ${position} after the emergency deadline`,
      });
    }
  }
}

// ---- helpers ----

function isFaulted(d: Draft): boolean {
  return Object.keys(d.faults).length > 0;
}

/** Why a barrier is being held open right now, or null. */
function holdReason(ctx: Ctx, b: InterlockBarrierConfig): ActuateReason | null {
  const d = ctx.draft;
  if (b.role === 'egress-door' && d.emergencyLatched) return 'emergency';
  if (b.role === 'egress-door' && d.freePass) return 'free-pass';
  if (isFaulted(d) && failStateOf(b) === 'open') return 'fail-state';
  return null;
}

/** Why a stop/close/release must be refused for this barrier now, or null. */
function movementRefusal(ctx: Ctx, b: InterlockBarrierConfig): 'lane-faulted' | 'emergency' | 'free-pass' | null {
  const d = ctx.draft;
  if (b.role === 'egress-door' && d.emergencyLatched) return 'emergency';
  if (b.role === 'egress-door' && d.freePass) return 'free-pass';
  // Faulted: vehicle barriers stay as they are, fail-safe doors stay open; nothing closes or stops.
  if (isFaulted(d)) return 'lane-faulted';
  return null;
}

function requestClose(ctx: Ctx, b: InterlockBarrierConfig, action: ClosingAction, reason: ActuateReason): void {
  const bs = ctx.draft.barriers[b.id]!;
  setSignal(ctx, 'red');
  const blocking = blockingInputs(b, ctx.draft);
  if (blocking.length > 0) {
    bs.pendingClose = action;
    ctx.effects.push({ type: 'deferred', barrier: b.id, waitingFor: blocking });
    return;
  }
  bs.pendingClose = null;
  bs.demand = action;
  actuate(ctx, b.id, action, reason);
}

function tryPendingClose(ctx: Ctx, b: InterlockBarrierConfig): void {
  const bs = ctx.draft.barriers[b.id]!;
  if (bs.pendingClose === null) return;
  if (blockingInputs(b, ctx.draft).length > 0) return;
  if (movementRefusal(ctx, b) !== null) {
    const dropped = bs.pendingClose;
    bs.pendingClose = null;
    // Refused because the lane is faulted: not forgotten, asked for again once every fault clears.
    if (isFaulted(ctx.draft)) oweClose(ctx, b.id, dropped);
    return;
  }
  const action = bs.pendingClose;
  bs.pendingClose = null;
  bs.demand = action;
  actuate(ctx, b.id, action, 'deferred-close');
}

function holdEgressOpen(ctx: Ctx, reason: ActuateReason): void {
  for (const b of ctx.config.barriers) {
    if (b.role !== 'egress-door') continue;
    const bs = ctx.draft.barriers[b.id]!;
    bs.pendingClose = null;
    bs.demand = 'hold-open';
    actuate(ctx, b.id, 'hold-open', reason);
  }
}

/** Lets held doors go back to normal once nothing holds them any more; presence still guards the release. */
function releaseHeldDoors(ctx: Ctx, reason: ActuateReason, which: (b: InterlockBarrierConfig) => boolean = isEgress): void {
  for (const b of ctx.config.barriers) {
    if (!which(b) || holdReason(ctx, b) !== null) continue;
    if (ctx.draft.barriers[b.id]!.demand !== 'hold-open') continue;
    requestClose(ctx, b, 'release-hold', reason);
  }
}

function isEgress(b: InterlockBarrierConfig): boolean {
  return b.role === 'egress-door';
}

function barrierConfig(ctx: Ctx, id: string): InterlockBarrierConfig | undefined {
  const b = ctx.config.barriers.find((candidate) => candidate.id === id);
  if (!b) reject(ctx, id, 'unknown-barrier');
  return b;
}

function actuate(ctx: Ctx, barrier: string, action: BarrierAction, reason: ActuateReason): void {
  // Whatever moves the barrier now (an open for a grant or an officer, a hold, a close) supersedes an owed close.
  const bs = ctx.draft.barriers[barrier];
  if (bs) bs.owedClose = null;
  ctx.effects.push({ type: 'actuate', barrier, action, reason });
}

function oweClose(ctx: Ctx, barrier: string, action: ClosingAction): void {
  ctx.draft.barriers[barrier]!.owedClose = action;
  ctx.effects.push({ type: 'close-owed', barrier, action });
}

function reject(ctx: Ctx, barrier: string | undefined, reason: Extract<InterlockEffect, { type: 'reject' }>['reason']): void {
  ctx.effects.push(barrier === undefined ? { type: 'reject', event: ctx.event.type, reason } : { type: 'reject', event: ctx.event.type, barrier, reason });
}

function setSignal(ctx: Ctx, aspect: 'red' | 'green'): void {
  if (ctx.draft.signal === aspect) return;
  ctx.draft.signal = aspect;
  ctx.effects.push({ type: 'signal', aspect });
}

function toDraft(s: InterlockState): Draft {
  const barriers: Draft['barriers'] = {};
  for (const [id, b] of Object.entries(s.barriers)) barriers[id] = { ...b };
  return {
    barriers,
    presence: { ...s.presence },
    emergencyInputs: [...s.emergencyInputs],
    emergencyLatched: s.emergencyLatched,
    freePass: s.freePass,
    faults: { ...s.faults },
    signal: s.signal,
    timers: { ...s.timers },
  };
}

function fromDraft(d: Draft): InterlockState {
  return d;
}
