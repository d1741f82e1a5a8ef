import { z } from 'zod';
import { fakeIoConfigSchema } from './io/fake-io.config.js';
import { serialLineScannerConfigSchema } from './scanner/serial-line-scanner.config.js';

/**
 * Every device driver's configuration schema, discriminated on `type`. A new driver adds one line to the
 * list below; the settings module, the JSON Schema and the error messages pick it up from here.
 */
export const deviceConfigSchema = z.discriminatedUnion('type', [
  fakeIoConfigSchema,
  serialLineScannerConfigSchema,
]);

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type DeviceType = DeviceConfig['type'];

/** Valid `type` strings, derived from the union so it cannot drift from it. */
export const DEVICE_TYPES: readonly DeviceType[] = deviceConfigSchema.options.map((option) => option.shape.type.value);
