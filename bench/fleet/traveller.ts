import { request } from '../../src/control/client.js';
import type { FleetScanner } from './scanners.js';
import { sleep } from './processes.js';

/**
 * One lane's stream of travellers, driven the way a person at the lane acts and sees: show a QR code
 * to the scanner (the pty), watch the doors (the lane's `status`, what lanectl shows), walk through the
 * beams (`sim input`, the daemon's fake-io inputs). Nothing is shortcut: the runner reads the code from
 * its serial driver, looks it up in its cache, opens the entry door, counts the traveller in, closes
 * behind them, decides, journals (journal + outbox in one transaction) and opens the exit; the link
 * publishes the passage to the broker. Travellers come back to back: the next one presents as soon as
 * the lane is idle with both doors shut, so the rate offered is what one lane can take.
 */

/** The part of `status --json` the traveller looks at. */
interface FlowView {
  phase: string;
  suspended: string[];
  barriers: Record<string, string>;
}

export interface TravellerTally {
  /** Codes presented at the scanner. */
  offered: number;
  /** Travellers who walked out through the exit door (granted, journaled, doors moved). */
  completed: number;
  /** Turned away (at the reader, or sent back out through the entry door). */
  refused: number;
  /** Why this lane's traveller stream stopped early (a wait that timed out, a held lane), or null. */
  stuck: string | null;
  /** Code presented -> out through the exit beam, ms. */
  cycleMs: number[];
  /** Control requests made (status polls and beam inputs): the load the driver adds to the lane. */
  requests: number;
}

/** How often the traveller looks at the doors; a person reacts in about this time too. */
const POLL_MS = 100;
/** A person breaks a beam for this long while walking through it. */
const BEAM_MS = 150;
const WAIT_MS = 20_000;
const REFUSED_AT_READER = new Set(['showing-result']);
const NOT_LETTING_OUT = new Set(['sending-back', 'held', 'suspended']);

export class Traveller {
  readonly tally: TravellerTally = { offered: 0, completed: 0, refused: 0, stuck: null, cycleMs: [], requests: 0 };
  private next = 0;

  constructor(
    readonly lane: string,
    private readonly socket: string,
    private readonly scanner: FleetScanner,
    private readonly tokens: readonly string[],
  ) {
    if (tokens.length === 0) throw new Error(`${lane}: no credentials to present`);
  }

  /** Presents travellers until `stopAt` (performance.now()); the one in the lane at that moment finishes. */
  async runUntil(stopAt: number): Promise<void> {
    while (performance.now() < stopAt) {
      try {
        await this.once();
      } catch (err) {
        this.tally.stuck = err instanceof Error ? err.message : String(err);
        return;
      }
    }
  }

  /** Waits until the lane can take the next traveller (idle, in service, no door open or moving). */
  async ready(timeoutMs = WAIT_MS): Promise<void> {
    await this.waitFor('idle with both doors shut', (f) => f.phase === 'idle' && f.suspended.length === 0 && !Object.values(f.barriers).some((p) => p === 'opened' || p === 'opening'), timeoutMs);
  }

  private async once(): Promise<void> {
    await this.ready();
    const token = this.tokens[this.next++ % this.tokens.length]!;
    const t0 = performance.now();
    await this.scanner.present(token);
    this.tally.offered += 1;
    const admitted = (f: FlowView) => f.phase === 'entering' && f.barriers['entry-door'] === 'opened';
    const atDoor = await this.waitFor('the entry door to open', (f) => admitted(f) || REFUSED_AT_READER.has(f.phase) || NOT_LETTING_OUT.has(f.phase), WAIT_MS);
    if (!admitted(atDoor)) {
      this.tally.refused += 1;
      if (atDoor.phase !== 'showing-result') throw new Error(`${this.lane}: lane went ${atDoor.phase} on a valid credential`);
      return;
    }
    await this.walk('entry-beam');
    const inside = await this.waitFor('the exit door to open', (f) => (f.phase === 'exiting' && f.barriers['exit-door'] === 'opened') || NOT_LETTING_OUT.has(f.phase), WAIT_MS);
    if (inside.phase !== 'exiting') {
      this.tally.refused += 1;
      // Sent back: out the way they came once the entry door reopens. Held or suspended: an officer's job.
      if (inside.phase !== 'sending-back') throw new Error(`${this.lane}: lane went ${inside.phase} with the traveller inside (${inside.suspended.join('; ')})`);
      await this.waitFor('the entry door to reopen', (f) => f.barriers['entry-door'] === 'opened', WAIT_MS);
      await this.walk('entry-beam');
      return;
    }
    await this.walk('exit-beam');
    this.tally.completed += 1;
    this.tally.cycleMs.push(performance.now() - t0);
  }

  private async walk(beam: string): Promise<void> {
    await this.call('sim input', { line: beam, value: true });
    await sleep(BEAM_MS);
    await this.call('sim input', { line: beam, value: false });
  }

  private async waitFor(what: string, done: (f: FlowView) => boolean, timeoutMs: number): Promise<FlowView> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const status = (await this.call('status', {})) as { flow?: FlowView };
      const f = status.flow;
      if (f === undefined) throw new Error(`${this.lane}: the daemon runs no passage flow (no flow: section?)`);
      if (done(f)) return f;
      if (performance.now() > deadline) throw new Error(`${this.lane}: waited ${timeoutMs / 1000} s for ${what}; phase ${f.phase}, doors ${JSON.stringify(f.barriers)}${f.suspended.length ? `, suspended: ${f.suspended.join('; ')}` : ''}`);
      await sleep(POLL_MS);
    }
  }

  private call(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    this.tally.requests += 1;
    return request(this.socket, cmd, args, { timeoutMs: 15_000 });
  }
}
