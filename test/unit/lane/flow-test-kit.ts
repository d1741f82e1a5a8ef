/**
 * Test harness both passage flows share: a lane driven event by event, and the random-sequence runner
 * of the property tests with the invariants common to both lanes. Lane-specific checks (doors vs
 * barrier) are passed in, so each lane's property test still states its own actuation rule.
 */
import { expect } from 'vitest';
import type { ArmedTimer, CommonFlowEvent, FlowEffect, FlowStep } from '../../../src/lane/flow-types.js';

export const T0 = 1_700_000_000_000;

interface LaneStateShape {
  phase: string;
  timer: ArmedTimer | null;
  passage: { ref: string } | null;
}

/** An event as a test writes it: the time is optional (the lane fills it in). */
export type LaneInput<E> = E extends { at: number } ? Omit<E, 'at'> & { at?: number } : never;

/** A lane driven event by event, 100 ms apart unless an event names its time. */
export class LaneDriver<C, S extends LaneStateShape, E extends { type: string; at: number }> {
  state: S;
  at = T0;
  readonly all: FlowEffect[] = [];

  constructor(
    readonly config: C,
    private readonly step: (config: C, state: S, event: E) => FlowStep<S>,
    initial: S,
  ) {
    this.state = initial;
  }

  send(e: LaneInput<E>): FlowEffect[] {
    this.at = e.at ?? this.at + 100;
    const step = this.step(this.config, this.state, { ...e, at: this.at } as unknown as E);
    this.state = step.state;
    this.all.push(...step.effects);
    return step.effects;
  }

  /** Fires the armed timer at its due time. */
  timeout(): FlowEffect[] {
    const t = this.state.timer;
    if (!t) throw new Error(`no timer armed in phase ${this.state.phase}`);
    return this.send({ type: 'timer', name: t.name, at: t.dueAt } as unknown as LaneInput<E>);
  }

  get ref(): string {
    return this.state.passage?.ref ?? 'none';
  }
}

export const of = <T extends FlowEffect['type']>(effects: FlowEffect[], type: T): Extract<FlowEffect, { type: T }>[] =>
  effects.filter((e): e is Extract<FlowEffect, { type: T }> => e.type === type);

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

/** Abstract event drawn by fast-check: the harness fills in the current passage (or a stale one) and the time. */
export type AbstractEvent = { kind: string; dt: number; stale: boolean; n: number; flag: boolean };

/**
 * The abstract events both lanes understand, made concrete; the lane handles its own kinds first and
 * anything left over becomes junk. `lane` prefixes a stale timer name the way the flow names its timers.
 */
export function commonEvent(
  a: AbstractEvent,
  lane: 'people' | 'vehicle',
  passage: string,
  timer: ArmedTimer | null,
  at: number,
): CommonFlowEvent {
  const outcomes = ['grant', 'deny', 'refer', 'alarm'] as const;
  const refPrefix = lane === 'people' ? 'p' : 'v';
  switch (a.kind) {
    case 'journaled': return { type: 'journaled', at, passage, passageId: `j${at}`, seq: at };
    case 'override': return { type: 'officer-override', at, officerId: 'off-1', outcome: outcomes[a.n % 4]!, reason: 'seen', source: a.flag ? 'lanectl' : 'mqtt' };
    case 'timer': return { type: 'timer', at, name: a.stale ? `${lane}:${refPrefix}${a.n}:held` : (timer?.name ?? 'none') };
    case 'emergency': return { type: 'emergency', at, active: a.flag };
    case 'free-pass': return { type: 'free-pass', at, active: a.flag };
    case 'reset': return { type: 'reset', at, source: a.flag ? 'local' : 'mqtt' };
    case 'fault': return { type: 'device-fault', at, device: `d${a.n % 2}`, reason: 'lost' };
    case 'ok': return { type: 'device-ok', at, device: `d${a.n % 2}` };
    case 'found-open': return { type: 'found-open', at, target: lane === 'vehicle' ? 'barrier' : a.flag ? 'exit-door' : 'entry-door' };
    default: return { type: 'nonsense', at } as unknown as CommonFlowEvent;
  }
}

/** What the runner knows about the journal when an actuation arrives. */
export interface JournalLedger {
  /** Outcome of the last journal record requested per passage. */
  lastJournalOutcome: Map<string, string>;
  /** Journal requested, no `journaled` event since. */
  pendingJournal: Set<string>;
  /** Passages with at least one confirmed journal record. */
  confirmed: Set<string>;
}

export interface FlowSequenceRun<S extends LaneStateShape, E extends { type: string; at: number; passage?: string }> {
  initial: S;
  step: (state: S, event: E) => FlowStep<S>;
  /** The lane's longest passage: no passage may outlive it. */
  limitMs: number;
  concrete: (a: AbstractEvent, s: S, at: number) => E;
  /** The lane's actuation rule, checked on every `actuate` effect but `secure` (`after`: the state the step produced). */
  checkActuation: (x: Extract<FlowEffect, { type: 'actuate' }>, ledger: JournalLedger, after: S) => void;
}

/**
 * Runs a sequence, delivering every due timer first (as the runner would), checking the invariants
 * both lanes share: never throws, never an internal error, bounded passages, and that every passage
 * ends by its deadline through timeouts alone.
 */
export function checkFlowSequence<S extends LaneStateShape, E extends { type: string; at: number; passage?: string }>(
  run: FlowSequenceRun<S, E>,
  seq: AbstractEvent[],
): void {
  let s = run.initial;
  let at = T0;
  const ledger: JournalLedger = { lastJournalOutcome: new Map(), pendingJournal: new Set(), confirmed: new Set() };
  const started = new Map<string, number>();
  /** Doors / barrier left open as far as the effects tell (opened by the flow, or found open at start-up). */
  const open = new Set<string>();

  const feed = (e: E): void => {
    if (e.type === 'journaled' && e.passage !== undefined && ledger.pendingJournal.has(e.passage)) {
      ledger.pendingJournal.delete(e.passage);
      ledger.confirmed.add(e.passage);
    }
    if (e.type === 'found-open') open.add((e as unknown as { target: string }).target);
    let effects: FlowEffect[] = [];
    expect(() => ({ state: s, effects } = run.step(s, e))).not.toThrow();
    for (const x of effects) {
      if (x.type === 'alarm') expect(x.kind).not.toBe('internal-error');
      if (x.type === 'journal') {
        ledger.lastJournalOutcome.set(x.passage, x.record.outcome);
        ledger.pendingJournal.add(x.passage);
      }
      if (x.type === 'actuate') {
        if (x.action === 'open') open.add(x.target);
        else open.delete(x.target);
        // `secure` is for no verdict: always a close, and only once the lane is back in service.
        if (x.purpose === 'secure') {
          expect(x.action).toBe('close');
          expect(s.phase).not.toBe('suspended');
        } else run.checkActuation(x, ledger, s);
      }
    }
    // Nothing is left open on an idle lane (a close may still be deferred by the interlocks: not the flow's business).
    if (s.phase === 'idle') expect([...open]).toEqual([]);
    if (s.passage) {
      if (!started.has(s.passage.ref)) started.set(s.passage.ref, e.at);
      expect(e.at).toBeLessThanOrEqual(started.get(s.passage.ref)! + run.limitMs);
    }
  };
  const fireDueTimers = (until: number): void => {
    for (let i = 0; i < 50 && s.timer && s.timer.dueAt <= until; i++) {
      feed({ type: 'timer', at: Math.max(at, s.timer.dueAt), name: s.timer.name } as unknown as E);
    }
  };

  for (const a of seq) {
    const next = at + a.dt;
    fireDueTimers(next);
    at = Math.max(at, next);
    feed(run.concrete(a, s, at));
  }
  // Nothing more happens: every passage must end by its deadline through timeouts alone.
  fireDueTimers(Number.MAX_SAFE_INTEGER);
  expect(s.passage).toBeNull();
}
