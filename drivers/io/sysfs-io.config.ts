import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';
import { checkLineUniqueness, gpioLinesSchema } from './gpio-line.config.js';

export const sysfsFields = {
  lines: gpioLinesSchema.describe('Digital lines; offset is the global GPIO number under /sys/class/gpio.'),
};

export const sysfsIoConfigSchema = z
  .strictObject({
    type: z.literal('sysfs-io').describe('GPIO over the deprecated sysfs interface (onoff); for older gate PCs.'),
    name: deviceNameSchema.describe('Device name, unique in the lane.'),
    ...sysfsFields,
  })
  .superRefine((cfg, ctx) => checkLineUniqueness(cfg.lines, ctx), { when: () => true });

export type SysfsIoConfig = z.infer<typeof sysfsIoConfigSchema>;
