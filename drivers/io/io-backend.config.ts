import { z } from 'zod';
import { fakeIoLineSchema } from './fake-io.config.js';
import { checkLineUniqueness } from './gpio-line.config.js';
import { gpiodFields } from './gpiod-io.config.js';
import { sysfsFields } from './sysfs-io.config.js';

/**
 * The `io:` block of a device that owns its digital lines (relay barrier, lane sensors, lane signals):
 * which backend, and the lines with their wiring. Each device owns its lines, so devices start, fail and
 * reconnect independently; two devices must not declare the same offset.
 */
export const ioBackendSchema = z
  .discriminatedUnion('backend', [
    z.strictObject({
      backend: z.literal('fake').describe('In-memory lines (tests, demo, machines without GPIO).'),
      lines: z.array(fakeIoLineSchema).min(1, { message: 'declare at least one line' }),
    }),
    z.strictObject({ backend: z.literal('gpiod').describe('Character device via the libgpiod v1 tools.'), ...gpiodFields }),
    z.strictObject({ backend: z.literal('sysfs').describe('Deprecated sysfs interface via onoff.'), ...sysfsFields }),
  ])
  .superRefine((cfg, ctx) => checkLineUniqueness((cfg as { lines?: unknown }).lines, ctx), { when: () => true });

export type IoBackendConfig = z.infer<typeof ioBackendSchema>;

/** Lines declared in an io block, as `name -> direction`, for the owning device's own checks. */
export function declaredLines(io: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const lines = typeof io === 'object' && io !== null ? (io as { lines?: unknown }).lines : undefined;
  if (!Array.isArray(lines)) return out;
  for (const line of lines) {
    if (typeof line !== 'object' || line === null) continue;
    const { name, direction } = line as { name?: unknown; direction?: unknown };
    if (typeof name === 'string' && typeof direction === 'string') out.set(name, direction);
  }
  return out;
}

/**
 * Adds an issue for every role line that is missing from `io.lines` or has the wrong direction, e.g.
 * `io.lines: relay-barrier needs an output line named 'open'`.
 */
export function checkRoleLines(
  io: unknown,
  required: ReadonlyArray<{ name: string; direction: 'in' | 'out'; optional?: boolean; path?: (string | number)[] }>,
  ctx: z.RefinementCtx,
  what: string,
): void {
  const declared = declaredLines(io);
  for (const role of required) {
    const direction = declared.get(role.name);
    const want = role.direction === 'out' ? 'an output' : 'an input';
    if (direction === undefined) {
      if (!role.optional) ctx.addIssue({ code: 'custom', path: role.path ?? ['io', 'lines'], message: `${what} needs ${want} line named '${role.name}'` });
    } else if (direction !== role.direction) {
      ctx.addIssue({ code: 'custom', path: role.path ?? ['io', 'lines'], message: `line '${role.name}' must be ${want} (direction: ${role.direction})` });
    }
  }
}
