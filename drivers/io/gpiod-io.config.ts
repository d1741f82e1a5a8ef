import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { checkLineUniqueness, gpioLinesSchema } from './gpio-line.config.js';

/** Paths of the libgpiod v1 command-line tools (Debian package `gpiod`); tests point them at a fake. */
export const gpiodToolsSchema = z
  .strictObject({
    gpioset: z.string().min(1).default('gpioset'),
    gpiomon: z.string().min(1).default('gpiomon'),
    gpioget: z.string().min(1).default('gpioget'),
  })
  .describe('Executables of the gpiod tools (looked up on PATH unless absolute).');

export const gpiodFields = {
  chip: z
    .string()
    .regex(/^(gpiochip\d+|\d+|\/dev\/gpiochip\d+)$/, { message: 'must be a chip name like gpiochip0, its number, or /dev/gpiochipN' })
    .default('gpiochip0')
    .describe('GPIO chip (gpiodetect lists them).'),
  tools: gpiodToolsSchema.prefault({}),
  lines: gpioLinesSchema.describe('Digital lines on this chip.'),
};

export const gpiodIoConfigSchema = z
  .strictObject({
    type: z.literal('gpiod-io').describe('GPIO over the Linux character device, through the libgpiod v1 tools.'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    ...gpiodFields,
  })
  .superRefine((cfg, ctx) => checkLineUniqueness(cfg.lines, ctx), { when: () => true });

export type GpiodIoConfig = z.infer<typeof gpiodIoConfigSchema>;
export type GpiodTools = z.infer<typeof gpiodToolsSchema>;
