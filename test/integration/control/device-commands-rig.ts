import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevice } from '../../../drivers/registry.js';
import type { DeviceSupervisor } from '../../../drivers/supervisor.js';
import type { SupervisedDriver } from '../../../drivers/contract.js';
import type { DeviceHandle } from '../../../src/control/lane-control.js';
import { systemClock } from '../../../src/util/clock.js';
import { LogHub } from '../../../src/util/logger.js';
import { LogCapture } from '../../helpers/log-capture.js';
import { makeJpeg } from '../../unit/drivers/camera/jpeg-fixtures.js';

/**
 * Real devices for the device commands' integration tests: drivers built by the same registry the
 * daemon uses (drivers/registry.ts), kept up by a real DeviceSupervisor, handed to the control
 * server as DeviceHandles the way src/app/compose.ts does.
 */
export const logs = new LogCapture();
const hub = new LogHub({ level: 'debug', throttleWindowMs: 0, destination: logs });

export function handleOf(supervisor: DeviceSupervisor, type: string): DeviceHandle {
  return { name: supervisor.driver.name, type, kind: supervisor.driver.kind, health: () => supervisor.health(), driver: supervisor.driver as SupervisedDriver };
}

/** A folder of real JPEGs (sharp-encoded noise, distinct sizes) and a replay camera over it. */
export async function replayCamera(name: string, fps: number): Promise<{ supervisor: DeviceSupervisor; folder: string; images: Buffer[]; cleanup(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'lanectl-cam-'));
  const folder = join(root, 'frames');
  mkdirSync(folder);
  const images = [await makeJpeg(64, 48, { seed: 1 }), await makeJpeg(64, 48, { seed: 2 }), await makeJpeg(64, 48, { seed: 3 })];
  images.forEach((img, i) => writeFileSync(join(folder, `img${i + 1}.jpg`), img));
  const supervisor = createDevice(
    { type: 'camera-replay', name, path: folder, fps, loop: true },
    { clock: systemClock, log: hub.child('drivers'), supervisor: { watchIntervalMs: 100, backoff: { initialMs: 100, maxMs: 500 } } },
  );
  return { supervisor, folder, images, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
