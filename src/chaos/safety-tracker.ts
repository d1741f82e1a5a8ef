import type { LaneEvent } from '../control/lane-control.js';
import type { LaneName } from '../demo/orchestrator.js';

/** Which presence inputs guard which barrier (the demo configs' flow wiring). */
export const GUARDS: Record<LaneName, Record<string, readonly string[]>> = {
  people: { 'entry-door': ['entry-beam'], 'exit-door': ['exit-beam'] },
  vehicle: { boom: ['loop-1'] },
};

export interface CloseViolation {
  lane: LaneName;
  at: number;
  barrier: string;
  activeInputs: string[];
}

/**
 * A barrier that stayed open (opening/opened) while its lane was idle and none of its presence inputs
 * was active, longer than the limit: nobody is being let through and nothing holds the close back.
 */
export interface LeftOpen {
  lane: LaneName;
  barrier: string;
  from: number;
  /** When it started closing, the lane left idle, a presence input went active, or the run ended. */
  until: number;
  /**
   * The lane's events from `TRAIL_BEFORE_MS` before `from` to `until` (at most `TRAIL_MAX`), one line
   * each (`+ms type {detail}`, ms from `from`): a failed run says why the barrier stayed open.
   */
  trail: string[];
}

/** How far back the trail of a left-open barrier starts, and how many events it keeps at most. */
const TRAIL_BEFORE_MS = 6_000;
const TRAIL_MAX = 120;

interface LaneState {
  presence: Map<string, boolean>;
  positions: Map<string, string>;
  phase: string;
  openIdleSince: Map<string, number>;
  /** The lane's recent events (last TRAIL_BEFORE_MS, or back to the oldest open window), for LeftOpen.trail. */
  recent: LaneEvent[];
}

/**
 * Judges a lane's own event stream, in the order the runner noted it (its one serial queue):
 * - a `close` actuation (`actuate {barrier, action: close}`, sent to a driver by the interlocks) while
 *   one of the barrier's presence inputs is active (`presence {input, active}`) is a safety violation;
 * - a barrier left open on an idle lane (no passage under way) with its presence inputs clear, longer
 *   than `leftOpenMs` (5 s), is recorded: nobody is being let through, nothing defers the close (the
 *   interlocks hold a close while presence is active: that wait is not counted), yet the way is open.
 *   A suspended lane is not idle: its barriers are at their fail state. The chaos run gates on it.
 * A `lane started` event (a restarted daemon) resets what is known: the new process reads its inputs
 * and positions afresh and notes them.
 */
export class SafetyTracker {
  readonly violations: CloseViolation[] = [];
  readonly leftOpen: LeftOpen[] = [];
  closes = 0;
  starts = 0;
  private readonly lanes = new Map<LaneName, LaneState>();

  constructor(private readonly leftOpenMs = 5_000) {}

  get leftOpenLimitMs(): number {
    return this.leftOpenMs;
  }

  apply(lane: LaneName, e: LaneEvent): void {
    let s = this.lanes.get(lane);
    if (s === undefined || (e.type === 'lane' && e.detail.state === 'started')) {
      if (s !== undefined) this.flushOpen(lane, s, e.at);
      if (e.type === 'lane') this.starts += 1;
      // The trail goes on across a restart: the events before it are part of why a barrier is open after it.
      s = { presence: new Map(), positions: new Map(), phase: 'idle', openIdleSince: new Map(), recent: s?.recent ?? [] };
      this.lanes.set(lane, s);
    }
    this.remember(s, e);
    switch (e.type) {
      case 'presence':
        if (typeof e.detail.input === 'string') s.presence.set(e.detail.input, e.detail.active === true);
        break;
      case 'actuate':
        if (e.detail.action === 'close' && typeof e.detail.barrier === 'string') {
          this.closes += 1;
          const active = (GUARDS[lane][e.detail.barrier] ?? []).filter((input) => s.presence.get(input) === true);
          if (active.length > 0) this.violations.push({ lane, at: e.at, barrier: e.detail.barrier, activeInputs: active });
        }
        break;
      case 'position':
        if (typeof e.detail.barrier === 'string' && typeof e.detail.position === 'string') s.positions.set(e.detail.barrier, e.detail.position);
        break;
      case 'phase':
        if (typeof e.detail.to === 'string') s.phase = e.detail.to;
        break;
      default:
        break;
    }
    this.trackOpen(lane, s, e.at);
  }

  /** Closes the books at the end of the run (a barrier still open on an idle lane counts up to `at`). */
  finish(at: number): void {
    for (const [lane, s] of this.lanes) this.flushOpen(lane, s, at);
  }

  private remember(s: LaneState, e: LaneEvent): void {
    s.recent.push(e);
    const oldestOpen = Math.min(...s.openIdleSince.values());
    const keepFrom = Math.min(e.at, oldestOpen) - TRAIL_BEFORE_MS;
    let drop = 0;
    while (drop < s.recent.length && s.recent[drop]!.at < keepFrom) drop += 1;
    // Bounded even if a barrier stays open for hours: the trail keeps its start and its end.
    if (s.recent.length - drop > 4 * TRAIL_MAX) drop = s.recent.length - 4 * TRAIL_MAX;
    if (drop > 0) s.recent.splice(0, drop);
  }

  private record(lane: LaneName, s: LaneState, barrier: string, from: number, until: number): void {
    const inWindow = s.recent.filter((e) => e.at >= from - TRAIL_BEFORE_MS && e.at <= until);
    const kept = inWindow.length > TRAIL_MAX ? [...inWindow.slice(0, TRAIL_MAX / 2), ...inWindow.slice(-TRAIL_MAX / 2)] : inWindow;
    const trail = kept.map((e) => `${e.at - from >= 0 ? '+' : ''}${e.at - from} ${e.type} ${JSON.stringify(e.detail)}`);
    this.leftOpen.push({ lane, barrier, from, until, trail });
  }

  private trackOpen(lane: LaneName, s: LaneState, at: number): void {
    for (const barrier of Object.keys(GUARDS[lane])) {
      const position = s.positions.get(barrier);
      const guarded = (GUARDS[lane][barrier] ?? []).some((input) => s.presence.get(input) === true);
      const open = s.phase === 'idle' && !guarded && (position === 'opened' || position === 'opening');
      const since = s.openIdleSince.get(barrier);
      if (open && since === undefined) s.openIdleSince.set(barrier, at);
      if (!open && since !== undefined) {
        s.openIdleSince.delete(barrier);
        if (at - since > this.leftOpenMs) this.record(lane, s, barrier, since, at);
      }
    }
  }

  private flushOpen(lane: LaneName, s: LaneState, at: number): void {
    for (const [barrier, since] of s.openIdleSince) if (at - since > this.leftOpenMs) this.record(lane, s, barrier, since, at);
    s.openIdleSince.clear();
  }
}
