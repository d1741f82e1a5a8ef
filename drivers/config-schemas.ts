import { z } from 'zod';
import { fakeIoConfigSchema } from './io/fake-io.config.js';
import { gpiodIoConfigSchema } from './io/gpiod-io.config.js';
import { sysfsIoConfigSchema } from './io/sysfs-io.config.js';
import { laneSensorsConfigSchema } from './io/lane-sensors.config.js';
import { laneSignalsConfigSchema } from './io/lane-signals.config.js';
import { relayBarrierConfigSchema } from './barrier/relay-barrier.config.js';
import { opcuaBarrierConfigSchema } from './barrier/opcua-barrier.config.js';
import { serialLineScannerConfigSchema } from './scanner/serial-line-scanner.config.js';
import { serialScannerConfigSchema } from './scanner/serial-scanner.config.js';
import { serialMrzReaderConfigSchema } from './mrz/serial-mrz-reader.config.js';
import { serialRfidReaderConfigSchema } from './rfid/serial-rfid-reader.config.js';
import { llrpReaderConfigSchema } from './rfid/llrp-reader.config.js';
import { cameraConfigSchema } from './camera/camera.config.js';
import { cameraReplayConfigSchema } from './camera/camera-replay.config.js';

/**
 * Every device driver's configuration schema, discriminated on `type`. A new driver adds one line to the
 * list below; the settings module, the JSON Schema and the error messages pick it up from here.
 */
export const deviceConfigSchema = z.discriminatedUnion('type', [
  fakeIoConfigSchema,
  gpiodIoConfigSchema,
  sysfsIoConfigSchema,
  laneSensorsConfigSchema,
  laneSignalsConfigSchema,
  relayBarrierConfigSchema,
  opcuaBarrierConfigSchema,
  serialLineScannerConfigSchema,
  serialScannerConfigSchema,
  serialMrzReaderConfigSchema,
  serialRfidReaderConfigSchema,
  llrpReaderConfigSchema,
  cameraConfigSchema,
  cameraReplayConfigSchema,
]);

export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type DeviceType = DeviceConfig['type'];

/** Valid `type` strings, derived from the union so it cannot drift from it. */
export const DEVICE_TYPES: readonly DeviceType[] = deviceConfigSchema.options.map((option) => option.shape.type.value);
