import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { checkRoleLines, ioBackendSchema } from './io-backend.config.js';

/**
 * Lane inputs by function: presence (induction loops, photo beams; debounce in io.lines), door position
 * contacts (active = door closed) and emergency/fire inputs. Emergency inputs should be wired normally
 * closed with `activeLow: true`, so a cut wire reads as an emergency (docs/safety.md).
 */
export const laneSensorsConfigSchema = z
  .strictObject({
    type: z.literal('lane-sensors').describe('Presence, door contacts and emergency inputs on digital lines.'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    presence: z.array(deviceNameSchema).default([]).describe('Input lines that report presence (loop, beam).'),
    doorContacts: z.array(deviceNameSchema).default([]).describe('Input lines that are active while a door is closed.'),
    emergency: z.array(deviceNameSchema).default([]).describe('Input lines that are active during an emergency (fire panel, e-stop).'),
    io: ioBackendSchema.describe('Backend and lines.'),
  })
  .superRefine(
    (cfg, ctx) => {
      const roles: Array<{ name: string; direction: 'in'; path: (string | number)[] }> = [];
      for (const key of ['presence', 'doorContacts', 'emergency'] as const) {
        const list: unknown = cfg[key];
        if (!Array.isArray(list)) continue;
        list.forEach((name: unknown, i) => {
          if (typeof name === 'string') roles.push({ name, direction: 'in', path: [key, i] });
        });
      }
      if (roles.length === 0) ctx.addIssue({ code: 'custom', path: ['presence'], message: 'list at least one presence, doorContacts or emergency line' });
      checkRoleLines(cfg.io, roles, ctx, 'lane-sensors');
    },
    { when: () => true },
  );

export type LaneSensorsConfig = z.infer<typeof laneSensorsConfigSchema>;
