import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/**
 * Configuration of the fake DigitalIO: a stand-in for GPIO on machines that have none (development PCs,
 * CI, the demo). Lines are declared like real GPIO lines so the same lane config shape works on both.
 */
export const fakeIoLineSchema = z.strictObject({
  name: deviceNameSchema.describe('Line name the lane uses, e.g. entry-door, exit-beam, emergency.'),
  direction: z.enum(['in', 'out']).describe('in: sensor/button; out: relay/door.'),
  // Real GPIO boards wire relays and beams active-low; the fake mirrors the option so configs port over.
  activeLow: z.boolean().default(false).describe('Invert the electrical level.'),
  initial: z.boolean().optional().describe('Logical level at start; outputs otherwise start false (de-energised).'),
  // Per-line debounce so a fake behaves like the real line it stands in for (loops and beams flicker).
  debounceMs: z.int().min(0).max(10_000).optional().describe('Inputs: debounce window in ms (default: the device default, 0).'),
});

export const fakeIoConfigSchema = z
  .strictObject({
    type: z.literal('fake-io').describe('In-memory stand-in for GPIO (no hardware).'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    lines: z.array(fakeIoLineSchema).min(1, { message: 'declare at least one line' }).describe('Digital lines.'),
  })
  .superRefine(
    (cfg, ctx) => {
      // Line names address the line from the lane (e.g. "entry-door"); two lines with one name would be ambiguous.
      // Runs even when other keys are invalid (see `when`), so the data is checked defensively.
      const lines: unknown = cfg.lines;
      if (!Array.isArray(lines)) return;
      const seen = new Map<string, number>();
      lines.forEach((line: unknown, index) => {
        const name = typeof line === 'object' && line !== null ? (line as { name?: unknown }).name : undefined;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['lines', index, 'name'],
            message: `duplicate line name '${name}' (also used by lines[${first}])`,
          });
        } else {
          seen.set(name, index);
        }
      });
    },
    // Report duplicates together with every other mistake, not only once the rest is valid.
    { when: () => true },
  );

export type FakeIoConfig = z.infer<typeof fakeIoConfigSchema>;
export type FakeIoLineConfig = z.infer<typeof fakeIoLineSchema>;
