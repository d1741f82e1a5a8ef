import type { InterlockConfig } from '../../../../src/lane/interlocks/index.js';

/**
 * A vehicle lane with a boom guarded by two loops and a people lane's doors: one egress door with a
 * photo beam, one egress door without sensors, and an entry door that is not an egress route.
 */
export const LANE: InterlockConfig = {
  barriers: [
    { id: 'boom', role: 'vehicle-barrier', presence: ['loop-a', 'loop-b'] },
    { id: 'exit-door', role: 'egress-door', presence: ['exit-beam'] },
    { id: 'side-door', role: 'egress-door', presence: [] },
    { id: 'entry-door', role: 'door', presence: ['entry-beam'] },
  ],
  egressCheckMs: 100,
};

export const INPUTS = ['loop-a', 'loop-b', 'exit-beam', 'entry-beam', 'not-wired'] as const;
export const EMERGENCY_INPUTS = ['fire-panel', 'e-stop'] as const;
export const DEVICES = ['plc-boom', 'io-doors'] as const;
