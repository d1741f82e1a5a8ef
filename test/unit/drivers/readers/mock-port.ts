/**
 * Serial ports from @serialport/binding-mock for byte-exact driver tests. The mock binding used is
 * SerialPortMock.binding from the same `serialport` import the ports are built with (binding-mock has
 * separate CJS and ESM instances; mixing them gives "Port does not exist").
 */
import { SerialPortMock } from 'serialport';
import type { SerialPortFactory } from '../../../../drivers/scanner/serial-device-base.js';
import type { SerialSimDevice, SimLink } from '../../../../drivers/sim/sim-kit.js';
import type { Clock } from '../../../../src/util/clock.js';

let counter = 0;

export interface MockSerial {
  path: string;
  factory: SerialPortFactory;
  /** The port the driver built most recently. */
  port(): SerialPortMock;
  /** Every byte the driver wrote, across reconnects (each open builds a new port). */
  written(): Buffer;
  /** Bytes the device sends (the driver receives them asynchronously; await settle()). */
  emit(bytes: Buffer | string): void;
  /** The device goes away: the port closes as on an unplug. */
  unplug(): void;
  /** Calls `onWrite` with each chunk the driver writes (a scripted device answering commands). */
  onWrite(onWrite: (chunk: Buffer) => void): void;
}

export function mockSerial(): MockSerial {
  counter += 1;
  const path = `/dev/mock-reader-${process.pid}-${counter}`;
  SerialPortMock.binding.createPort(path, { record: true, echo: false });
  const ports: SerialPortMock[] = [];
  const writeHooks: Array<(chunk: Buffer) => void> = [];
  const record: Buffer[] = [];
  const current = (): SerialPortMock => {
    const port = ports[ports.length - 1];
    if (!port) throw new Error('the driver has not built a port yet');
    return port;
  };
  const bound = (): NonNullable<SerialPortMock['port']> => {
    const binding = current().port;
    if (!binding) throw new Error('the mock port is not open');
    return binding;
  };
  return {
    path,
    factory: ({ path: p, baudRate }) => {
      const port = new SerialPortMock({ path: p, baudRate, autoOpen: false });
      port.on('open', () => {
        const bound = port.port!;
        const write = bound.write.bind(bound);
        bound.write = async (buffer: Buffer) => {
          await write(buffer);
          record.push(Buffer.from(buffer));
          for (const hook of writeHooks) hook(Buffer.from(buffer));
        };
      });
      ports.push(port);
      return port;
    },
    port: current,
    written: () => Buffer.concat(record),
    emit: (bytes) => bound().emitData(Buffer.from(bytes)),
    unplug: () => {
      // What the real binding reports when the device disappears.
      const port = current();
      const err = Object.assign(new Error('device disconnected'), { disconnected: true });
      void port.port?.close();
      port.emit('close', err);
    },
    onWrite: (hook) => void writeHooks.push(hook),
  };
}

/** Lets the mock stream deliver pending data and write callbacks run. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Puts a device simulator on the device side of a mock port: it hears what the driver writes and answers. */
export function attachSim<S extends SerialSimDevice>(
  serial: MockSerial,
  makeSim: (link: SimLink) => S,
  clock: Clock,
): { events: Array<Record<string, unknown>>; sim: S } {
  const events: Array<Record<string, unknown>> = [];
  const sim = makeSim({
    clock,
    report: (event) => void events.push(event),
    write: async (bytes) => serial.emit(bytes),
  });
  serial.onWrite((chunk) => sim.receive(chunk));
  return { events, sim };
}
