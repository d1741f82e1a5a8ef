import { randomBytes } from 'node:crypto';
import type { SimLists } from '../../src/sync/central-sim/central-sim.js';

/**
 * The fleet's travellers: a few random opaque QR tokens per lane, each an active credential of a
 * fictional subject, published by the central simulator as signed list snapshots (the demo's list
 * format, src/demo/demo-data.ts). Every list a lane caches is sent, the unused ones empty, so no lane
 * refers a passage for a list it never received.
 */
export const TOKENS_PER_LANE = 8;

export interface FleetTravellers {
  /** Lane id -> the QR tokens its travellers present. */
  tokens: Map<string, string[]>;
  lists: SimLists;
}

export function fleetTravellers(lanes: readonly string[], version = Math.floor(Date.now() / 1000)): FleetTravellers {
  const tokens = new Map<string, string[]>();
  const subjects: unknown[] = [];
  const credentials: unknown[] = [];
  for (const lane of lanes) {
    const mine: string[] = [];
    for (let k = 0; k < TOKENS_PER_LANE; k++) {
      const subjectId = `${lane}-traveller-${k + 1}`;
      const value = `FLEET-${randomBytes(18).toString('base64url')}`;
      mine.push(value);
      subjects.push({ subjectId, category: 'visitor', nationality: 'VNM', allowedDirections: ['entry', 'exit'] });
      credentials.push({ kind: 'qr-token', value, subjectId, status: 'active', singleUse: false });
    }
    tokens.set(lane, mine);
  }
  const empty = { version, rows: [] as unknown[] };
  return {
    tokens,
    lists: {
      subjects: { version, rows: subjects },
      credentials: { version, rows: credentials },
      'face-templates': { ...empty },
      vehicles: { ...empty },
      cargo: { ...empty },
      watchlist: { ...empty },
    },
  };
}
