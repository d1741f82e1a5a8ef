import type { Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import type { DeviceConfig } from './config-schemas.js';
import { FakeIo } from './io/fake-io.js';
import { SerialLineScanner } from './scanner/serial-line-scanner.js';
import { DeviceSupervisor, type DeviceSupervisorOptions } from './supervisor.js';

export interface DeviceDeps {
  clock: Clock;
  /** The devices' parent logger (e.g. `hub.child('drivers')`); each device gets a child with its name. */
  log: Logger;
  /** Tests shorten reconnect delays and watch intervals; production uses the defaults. */
  supervisor?: Pick<DeviceSupervisorOptions, 'backoff' | 'watchIntervalMs' | 'openTimeoutMs'>;
}

/** The driver class behind each config `type`, so callers get a typed driver back. */
export interface DriverByType {
  'fake-io': FakeIo;
  'serial-line-scanner': SerialLineScanner;
}

type ConfigOfType<T extends DeviceConfig['type']> = Extract<DeviceConfig, { type: T }>;

/**
 * Builds the supervised driver for one configured device. Nothing is opened here (constructors only
 * assign); the app starts the returned Service. The switch is exhaustive: adding a driver schema to
 * drivers/config-schemas.ts fails to compile until the driver is registered here.
 */
export function createDevice<T extends DeviceConfig['type']>(
  config: ConfigOfType<T>,
  deps: DeviceDeps,
): DeviceSupervisor<DriverByType[T]>;
export function createDevice(config: DeviceConfig, deps: DeviceDeps): DeviceSupervisor;
export function createDevice(config: DeviceConfig, deps: DeviceDeps): DeviceSupervisor {
  const log = deps.log.child({ device: config.name, type: config.type });
  const opts: DeviceSupervisorOptions = { clock: deps.clock, log, ...deps.supervisor };
  switch (config.type) {
    case 'fake-io':
      return new DeviceSupervisor(new FakeIo(config, { clock: deps.clock, log }), opts);
    case 'serial-line-scanner':
      return new DeviceSupervisor(new SerialLineScanner(config, { clock: deps.clock, log }), opts);
    default:
      return unregistered(config);
  }
}

function unregistered(config: never): never {
  throw new Error(`no driver registered for device type '${(config as { type: string }).type}'`);
}
