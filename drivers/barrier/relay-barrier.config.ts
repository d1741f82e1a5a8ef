import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { checkRoleLines, ioBackendSchema } from '../io/io-backend.config.js';

/**
 * A barrier or door driven by dry-contact relays. Line names in `io.lines` are fixed by function:
 * outputs `open`, `close` (pulsed), optional `stop` (pulsed), `hold-open` (held level, energised = held
 * open), `lock` (held level, energised = LOCKED, so a dead controller unlocks: wire egress doors this
 * way); optional inputs `opened`, `closed` (limit switches); `safety` lists presence inputs (loop,
 * photo beam, safety edge) that forbid closing.
 */
export const relayBarrierConfigSchema = z
  .strictObject({
    type: z.literal('relay-barrier').describe('Barrier or door on relays (GPIO).'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    role: z.enum(['vehicle-barrier', 'egress-door', 'door']).describe('What it is; decides its fail state in the interlocks.'),
    pulseMs: z.int().min(50).max(5_000).default(500).describe('Length of the OPEN/CLOSE/STOP dry-contact pulse.'),
    travelTimeoutMs: z
      .int()
      .min(500)
      .max(120_000)
      .default(10_000)
      .describe('A limit switch not reached within this time is a travel-timeout fault; without limit switches the position is assumed after it.'),
    safety: z.array(deviceNameSchema).default([]).describe('Input lines (in io.lines) that must be clear to close.'),
    io: ioBackendSchema.describe('Backend and lines.'),
  })
  .superRefine(
    (cfg, ctx) => {
      const safety: unknown = cfg.safety;
      checkRoleLines(
        cfg.io,
        [
          { name: 'open', direction: 'out' },
          { name: 'close', direction: 'out' },
          { name: 'stop', direction: 'out', optional: true },
          { name: 'hold-open', direction: 'out', optional: true },
          { name: 'lock', direction: 'out', optional: true },
          { name: 'opened', direction: 'in', optional: true },
          { name: 'closed', direction: 'in', optional: true },
          ...(Array.isArray(safety) ? safety : [])
            .filter((s): s is string => typeof s === 'string')
            .map((name, i) => ({ name, direction: 'in' as const, path: ['safety', i] })),
        ],
        ctx,
        'relay-barrier',
      );
    },
    { when: () => true },
  );

export type RelayBarrierConfig = z.infer<typeof relayBarrierConfigSchema>;
