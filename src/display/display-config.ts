import { z } from 'zod';
import { DISPLAY_LANGS } from './languages.js';

/**
 * The `display:` section of the lane config, ready for src/settings/lane-config.schema.ts to include.
 * It lives here so the display's defaults sit beside the code that uses them.
 */
export const displaySectionSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve the lane display page.'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('Address the display page listens on. Keep 127.0.0.1 unless the screen is another machine.'),
  port: z.number().int().min(0).max(65535).default(8090).describe('TCP port of the display page (0 = any free port; lanectl status shows it).'),
  languages: z
    .array(z.enum(DISPLAY_LANGS))
    .min(1, { message: 'list at least one language' })
    .max(DISPLAY_LANGS.length)
    .refine((list) => new Set(list).size === list.length, { message: 'a language is listed twice' })
    .default(['vi', 'zh', 'en'])
    .describe("The lane's languages, primary first; a known nationality moves the holder's language to the front."),
  maxClients: z.number().int().min(1).max(256).default(16).describe('Concurrent live connections (screens).'),
});

export type DisplaySection = z.infer<typeof displaySectionSchema>;
