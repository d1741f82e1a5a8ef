import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { checkRoleLines, ioBackendSchema } from './io-backend.config.js';

/**
 * Lane traffic light and buzzer. Output lines by function: `green` (required), `red` (optional) and
 * `buzzer` (optional). Preferred wiring: one changeover relay on `green` (NO -> green lamp, NC -> red
 * lamp), so a de-energised controller shows red and the two lamps can never be lit together.
 */
export const laneSignalsConfigSchema = z
  .strictObject({
    type: z.literal('lane-signals').describe('Traffic light (red/green) and buzzer on relays.'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    maxBuzzMs: z.int().min(100).max(60_000).default(5_000).describe('Longest buzz one request may ask for.'),
    io: ioBackendSchema.describe('Backend and lines.'),
  })
  .superRefine(
    (cfg, ctx) =>
      checkRoleLines(
        cfg.io,
        [
          { name: 'green', direction: 'out' },
          { name: 'red', direction: 'out', optional: true },
          { name: 'buzzer', direction: 'out', optional: true },
        ],
        ctx,
        'lane-signals',
      ),
    { when: () => true },
  );

export type LaneSignalsConfig = z.infer<typeof laneSignalsConfigSchema>;
