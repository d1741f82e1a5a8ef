import type { CentralSim, SimLists } from '../sync/central-sim/central-sim.js';

/**
 * What the demo's central system and the chaos run's share: keeping lanes' caches seeded, and reading
 * the lanes' event envelopes off the wire.
 */

const RESEED_MIN_INTERVAL_MS = 10_000;

/**
 * Sends a lane a signed snapshot of every list whose announced version is not ours, so a fresh lane (or
 * one whose database was deleted) fills itself. A lane that refuses the snapshot (wrong key) would
 * otherwise be sent one at every state message: at most one per list per 10 s.
 */
export class ListSeeder {
  private readonly lastSeed = new Map<string, number>();

  constructor(
    private readonly sim: CentralSim,
    private readonly lists: SimLists,
    private readonly print: (line: string) => void,
    private readonly announce = false,
  ) {}

  /** A lane announced itself online with these list versions. */
  reseed(lane: string, versions: Record<string, number>): void {
    for (const [list, { version, rows }] of Object.entries(this.lists)) {
      if (versions[list] === version) continue;
      const key = `${lane}/${list}`;
      const now = Date.now();
      if (now - (this.lastSeed.get(key) ?? 0) < RESEED_MIN_INTERVAL_MS) continue;
      this.lastSeed.set(key, now);
      this.sim
        .publishSnapshot(list, version, rows, lane)
        .then(() => {
          if (this.announce) this.print(`central: sent ${lane} a signed snapshot of ${list} v${version} (${rows.length} rows)`);
        })
        .catch((err: Error) => this.print(`central: snapshot of ${list} to ${lane} failed: ${err.message}`));
    }
  }

  /** The lane's last announced list versions are all ours. */
  seeded(lane: string): boolean {
    const state = this.sim.states.get(lane);
    if (state?.state !== 'online') return false;
    return Object.entries(this.lists).every(([list, { version }]) => state.lists?.[list] === version);
  }
}

/** A lane's outbox envelope as published on `.../{lane}/event/...`. */
export interface EventEnvelope {
  lane: string;
  id: string;
  seq: number;
  type: string;
  body: Record<string, unknown>;
}

/** The envelope of an event message, or null for any other topic or a payload that is not one. */
export function parseEventEnvelope(topic: string, payload: Buffer): EventEnvelope | null {
  const levels = topic.split('/');
  const lane = levels[3];
  if (lane === undefined || levels[4] !== 'event') return null;
  let json: { id?: unknown; seq?: unknown; type?: unknown; body?: unknown };
  try {
    json = JSON.parse(payload.toString('utf8')) as typeof json;
  } catch {
    return null;
  }
  if (typeof json.id !== 'string' || typeof json.seq !== 'number') return null;
  const body = json.body !== null && typeof json.body === 'object' ? (json.body as Record<string, unknown>) : {};
  return { lane, id: json.id, seq: json.seq, type: String(json.type), body };
}
