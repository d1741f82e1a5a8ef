import type { Clock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import type { DigitalIO } from './digital-io.js';
import { FakeIo } from './fake-io.js';
import { GpiodIo } from './gpiod-io.js';
import type { IoBackendConfig } from './io-backend.config.js';
import { SysfsIo, type SysfsPinFactory } from './sysfs-io.js';

export interface DigitalIoDeps {
  clock: Clock;
  log: Logger;
  /** sysfs only: replaces onoff (tests). */
  sysfsPins?: () => Promise<SysfsPinFactory>;
}

/** Builds the DigitalIO backend a device's `io:` block asks for. Constructs only; nothing is opened. */
export function createDigitalIo(name: string, io: IoBackendConfig, deps: DigitalIoDeps): DigitalIO {
  switch (io.backend) {
    case 'fake':
      return new FakeIo({ type: 'fake-io', name, lines: io.lines }, { clock: deps.clock, log: deps.log });
    case 'gpiod':
      return new GpiodIo({ name, chip: io.chip, tools: io.tools, lines: io.lines }, { clock: deps.clock, log: deps.log });
    case 'sysfs':
      return new SysfsIo({ name, lines: io.lines }, deps.sysfsPins ? { clock: deps.clock, log: deps.log, pins: deps.sysfsPins } : { clock: deps.clock, log: deps.log });
    default:
      throw new Error(`unknown io backend '${(io as { backend: string }).backend}'`);
  }
}
