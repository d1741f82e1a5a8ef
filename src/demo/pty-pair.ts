import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedChild } from './child-process.js';

/**
 * A socat pty pair standing in for the serial cable between a device and the lane PC: the simulator
 * opens `<dir>/<name>-sim`, the lane opens `<dir>/<name>` (as it would open /dev/serial/by-id/...).
 */
export interface DemoPtyPair {
  name: string;
  simEnd: string;
  laneEnd: string;
  socat: ManagedChild;
}

export async function startPtyPair(dir: string, name: string, timeoutMs = 15_000): Promise<DemoPtyPair> {
  const simEnd = join(dir, `${name}-sim`);
  const laneEnd = join(dir, name);
  // Links left by a socat that was killed with the previous demo would point at a stranger's pty.
  rmSync(simEnd, { force: true });
  rmSync(laneEnd, { force: true });
  const socat = new ManagedChild({
    name: `socat ${name}`,
    command: 'socat',
    args: ['-d', '-d', `pty,raw,echo=0,link=${simEnd}`, `pty,raw,echo=0,link=${laneEnd}`],
  });
  try {
    await socat.waitForLine((line) => (line.includes('starting data transfer loop') ? true : undefined), timeoutMs, 'pty pair');
  } catch (err) {
    await socat.stop(1_000);
    const hint = socat.lastLines().some((l) => l.includes('ENOENT')) ? ' (is socat installed? apt-get install socat)' : '';
    throw new Error(`${(err as Error).message}${hint}`);
  }
  if (!existsSync(simEnd) || !existsSync(laneEnd)) {
    await socat.stop(1_000);
    throw new Error(`socat ${name}: links ${simEnd} / ${laneEnd} missing after start`);
  }
  return { name, simEnd, laneEnd, socat };
}

export async function closePtyPair(pair: DemoPtyPair): Promise<void> {
  await pair.socat.stop(2_000);
  rmSync(pair.simEnd, { force: true });
  rmSync(pair.laneEnd, { force: true });
}
