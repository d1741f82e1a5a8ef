import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/**
 * One digital line of a real GPIO backend (gpiod character device or sysfs). Values in the lane are
 * logical (true = active); `activeLow` says the wiring inverts them. Both backends invert and debounce
 * in software (InputDebouncer) so they behave exactly like the fake the tests use.
 */
export const gpioLineSchema = z.strictObject({
  name: deviceNameSchema.describe('Line name used by the lane and by barrier/sensor configs, e.g. loop-a, open.'),
  offset: z
    .int()
    .min(0)
    .max(65_535)
    .describe('gpiod: line offset on the chip (gpioinfo lists them); sysfs: the global GPIO number.'),
  direction: z.enum(['in', 'out']).describe('in: sensor/contact; out: relay.'),
  activeLow: z.boolean().default(false).describe('The wiring inverts the level (e.g. relay boards that switch on low).'),
  debounceMs: z.int().min(0).max(10_000).default(0).describe('Inputs: the level must hold this long before an edge is reported.'),
  initial: z.boolean().optional().describe('Outputs: logical value at open; default false (de-energised).'),
});

export type GpioLineConfig = z.infer<typeof gpioLineSchema>;

export const gpioLinesSchema = z.array(gpioLineSchema).min(1, { message: 'declare at least one line' });

/**
 * Duplicate names or offsets would make two config entries drive one wire. Works on unvalidated data
 * (runs with `when: () => true` so these mistakes are reported together with every other one).
 */
export function checkLineUniqueness(lines: unknown, ctx: z.RefinementCtx, path: (string | number)[] = ['lines']): void {
  if (!Array.isArray(lines)) return;
  for (const key of ['name', 'offset'] as const) {
    const seen = new Map<unknown, number>();
    lines.forEach((line: unknown, index) => {
      const value = typeof line === 'object' && line !== null ? (line as Record<string, unknown>)[key] : undefined;
      if (value === undefined) return;
      const first = seen.get(value);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: [...path, index, key], message: `duplicate line ${key} '${String(value)}' (also used by ${path.join('.')}[${first}])` });
      } else {
        seen.set(value, index);
      }
    });
  }
}
