import { request } from '../control/client.js';
import type { LaneEvent } from '../control/lane-control.js';
import type { LaneName } from '../demo/orchestrator.js';
import { SafetyTracker } from './safety-tracker.js';

export interface WatchStats {
  polls: number;
  failedPolls: number;
  events: number;
  /** Polls whose answer did not overlap the previous one although the daemon had not restarted (events missed). */
  overflows: number;
}

/**
 * Follows each lane's own event stream (the ring behind `lanectl events tail`): the runner notes every
 * presence change (`presence {input, active}`) and every movement the interlocks send to a driver
 * (`actuate {barrier, action, reason}`) in the order they happen in its one serial queue; SafetyTracker
 * judges them. Polled (the control protocol is request/answer) every `pollMs`; the ring holds 500
 * events, far more than a poll interval produces.
 * What it cannot see: events between the last poll and a kill -9 (the ring dies with the daemon).
 */
export class EventWatch {
  readonly safety = new SafetyTracker();
  readonly stats: Record<LaneName, WatchStats> = { people: blank(), vehicle: blank() };
  private readonly last = new Map<LaneName, { at: number; sameAt: number }>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;

  constructor(
    private readonly sockets: Record<LaneName, string>,
    private readonly pollMs = 300,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.pollAll(), this.pollMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    await this.pollAll();
    this.safety.finish(Date.now());
  }

  private async pollAll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await Promise.all((['people', 'vehicle'] as const).map((lane) => this.poll(lane)));
    } finally {
      this.busy = false;
    }
  }

  private async poll(lane: LaneName): Promise<void> {
    const s = this.stats[lane];
    s.polls += 1;
    let events: LaneEvent[];
    try {
      events = ((await request(this.sockets[lane], 'events tail', { n: 500 }, { timeoutMs: 3_000 })) as { events: LaneEvent[] }).events;
    } catch {
      s.failedPolls += 1;
      return;
    }
    const last = this.last.get(lane) ?? { at: 0, sameAt: 0 };
    // New events: later than the last one seen, plus any more at that same millisecond than seen before.
    const fresh: LaneEvent[] = [];
    let sameAt = 0;
    for (const e of events) {
      if (e.at > last.at) fresh.push(e);
      else if (e.at === last.at) {
        sameAt += 1;
        if (sameAt > last.sameAt) fresh.push(e);
      }
    }
    if (events.length === 500 && events[0]!.at > last.at && last.at > 0 && !fresh.some((e) => e.type === 'lane')) s.overflows += 1;
    for (const e of fresh) this.apply(lane, e);
    if (events.length > 0) {
      const newest = events[events.length - 1]!.at;
      this.last.set(lane, { at: newest, sameAt: events.filter((e) => e.at === newest).length });
    }
  }

  private apply(lane: LaneName, e: LaneEvent): void {
    this.stats[lane].events += 1;
    this.safety.apply(lane, e);
  }
}

function blank(): WatchStats {
  return { polls: 0, failedPolls: 0, events: 0, overflows: 0 };
}
