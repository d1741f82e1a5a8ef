import { MrzReaderSim, mrzSimOptionsSchema } from './mrz-reader-sim.js';
import { RfidSerialSim, rfidSimOptionsSchema } from './rfid-serial-sim.js';
import { ScannerSim, scannerSimOptionsSchema } from './scanner-sim.js';
import { parseWith, type SerialSimDevice, type SimLink } from './sim-kit.js';

/** The serial device simulators run-serial-sim can run, by --device name. */
export const SIM_DEVICE_NAMES = ['scanner', 'mrz', 'uhfreader18', 'r2000'] as const;
export type SimDeviceName = (typeof SIM_DEVICE_NAMES)[number];

export function createSimDevice(
  name: SimDeviceName,
  link: SimLink,
  options: unknown,
): { ok: true; device: SerialSimDevice } | { ok: false; error: string } {
  switch (name) {
    case 'scanner': {
      const parsed = parseWith(scannerSimOptionsSchema, options);
      return parsed.ok ? { ok: true, device: new ScannerSim(link, parsed.step) } : parsed;
    }
    case 'mrz': {
      const parsed = parseWith(mrzSimOptionsSchema, options);
      return parsed.ok ? { ok: true, device: new MrzReaderSim(link, parsed.step) } : parsed;
    }
    case 'uhfreader18':
    case 'r2000': {
      const parsed = parseWith(rfidSimOptionsSchema, { ...(options as object), protocol: name });
      return parsed.ok ? { ok: true, device: new RfidSerialSim(link, parsed.step) } : parsed;
    }
  }
}
