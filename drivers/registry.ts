import type { Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import type { DeviceConfig } from './config-schemas.js';
import { FakeIo } from './io/fake-io.js';
import { GpiodIo } from './io/gpiod-io.js';
import { SysfsIo } from './io/sysfs-io.js';
import { LaneSensors } from './io/lane-sensors.js';
import { LaneSignals } from './io/lane-signals.js';
import { RelayBarrier } from './barrier/relay-barrier.js';
import { OpcuaBarrier } from './barrier/opcua-barrier.js';
import { SerialLineScanner } from './scanner/serial-line-scanner.js';
import { SerialScanner } from './scanner/serial-scanner.js';
import { SerialMrzReader } from './mrz/serial-mrz-reader.js';
import { SerialRfidReader } from './rfid/serial-rfid-reader.js';
import { LlrpReader } from './rfid/llrp-reader.js';
import { FfmpegCamera } from './camera/ffmpeg-camera.js';
import { CameraReplay } from './camera/camera-replay.js';
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
  'gpiod-io': GpiodIo;
  'sysfs-io': SysfsIo;
  'lane-sensors': LaneSensors;
  'lane-signals': LaneSignals;
  'relay-barrier': RelayBarrier;
  'opcua-barrier': OpcuaBarrier;
  'serial-line-scanner': SerialLineScanner;
  'serial-scanner': SerialScanner;
  'serial-mrz-reader': SerialMrzReader;
  'serial-rfid-reader': SerialRfidReader;
  'llrp-reader': LlrpReader;
  camera: FfmpegCamera;
  'camera-replay': CameraReplay;
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
    case 'gpiod-io':
      return new DeviceSupervisor(new GpiodIo(config, { clock: deps.clock, log }), opts);
    case 'sysfs-io':
      return new DeviceSupervisor(new SysfsIo(config, { clock: deps.clock, log }), opts);
    case 'lane-sensors':
      return new DeviceSupervisor(new LaneSensors(config, { clock: deps.clock, log }), opts);
    case 'lane-signals':
      return new DeviceSupervisor(new LaneSignals(config, { clock: deps.clock, log }), opts);
    case 'relay-barrier':
      return new DeviceSupervisor(new RelayBarrier(config, { clock: deps.clock, log }), opts);
    case 'opcua-barrier':
      return new DeviceSupervisor(new OpcuaBarrier(config, { clock: deps.clock, log }), opts);
    case 'serial-line-scanner':
      return new DeviceSupervisor(new SerialLineScanner(config, { clock: deps.clock, log }), opts);
    case 'serial-scanner':
      return new DeviceSupervisor(new SerialScanner(config, { clock: deps.clock, log }), opts);
    case 'serial-mrz-reader':
      return new DeviceSupervisor(new SerialMrzReader(config, { clock: deps.clock, log }), opts);
    case 'serial-rfid-reader':
      return new DeviceSupervisor(new SerialRfidReader(config, { clock: deps.clock, log }), opts);
    case 'llrp-reader':
      return new DeviceSupervisor(new LlrpReader(config, { clock: deps.clock, log }), opts);
    case 'camera':
      return new DeviceSupervisor(new FfmpegCamera(config, { clock: deps.clock, log }), opts);
    case 'camera-replay':
      return new DeviceSupervisor(new CameraReplay(config, { clock: deps.clock, log }), opts);
    default:
      return unregistered(config);
  }
}

function unregistered(config: never): never {
  throw new Error(`no driver registered for device type '${(config as { type: string }).type}'`);
}
