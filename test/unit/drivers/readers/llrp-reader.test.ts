/**
 * The LLRP driver against the in-process LLRP simulator over real loopback TCP: the protocol exchange
 * (connect, reset, keepalive, ROSpec with each trigger, TID AccessSpec, reports) and its failure modes.
 * The simulator as a separate process, with the supervisor and reconnects, is in test/integration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LlrpReader } from '../../../../drivers/rfid/llrp-reader.js';
import { llrpReaderConfigSchema, type LlrpReaderConfig } from '../../../../drivers/rfid/llrp-reader.config.js';
import type { TagRead } from '../../../../drivers/rfid/rfid-reader.js';
import { LlrpSim, llrpSimOptionsSchema, type LlrpSimOptions } from '../../../../drivers/sim/llrp-sim.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';

const log = new LogHub({ level: 'silent' }).root;
const EPC = '300833B2DDD9014000000001';
const EPC_2 = 'E2801160600002054D6F4A12';
const TID = 'E2801160200074CF085909AD';

async function waitFor(what: string, predicate: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(sim: Partial<LlrpSimOptions>, config: Partial<LlrpReaderConfig> = {}) {
  const commands: string[] = [];
  const reader = new LlrpSim(llrpSimOptionsSchema.parse({ reportIntervalMs: 20, ...sim }), {
    clock: systemClock,
    report: (e) => {
      if (e.event === 'command') commands.push(String(e.name));
    },
  });
  const port = await reader.listen(0);
  cleanups.push(() => reader.close());
  const driver = new LlrpReader(
    llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'truck-llrp', host: '127.0.0.1', port, keepaliveMs: 200, connectTimeoutMs: 1_000, ...config }),
    { clock: systemClock, log },
  );
  cleanups.push(() => driver.close());
  const tags: TagRead[] = [];
  driver.on('tag', (t) => void tags.push(t));
  return { reader, driver, tags, commands, port };
}

describe('LlrpReader with the LLRP simulator on loopback', () => {
  it('immediate trigger: reset, keepalive, add and enable the ROSpec; tags with antenna, RSSI and first seen; keepalives answered', async () => {
    const leaks = trackHandles();
    const before = Date.now();
    const { reader, driver, tags, commands } = await setUp({ tags: [{ epc: EPC, rssi: -52, antenna: 2 }] });
    await driver.open();
    await driver.configure();
    await waitFor('a tag', () => tags.length > 0);
    expect(commands).toEqual(['SET_READER_CONFIG', 'ADD_ROSPEC', 'ENABLE_ROSPEC']);
    expect(tags[0]).toMatchObject({ epc: EPC, tid: null, antenna: 2, rssi: -52 });
    expect(tags[0]!.firstSeen).toBeGreaterThanOrEqual(before - 1);
    await waitFor('keepalives', () => reader.seen.keepaliveAcks >= 1);
    await waitFor('several reports', () => (driver.counters().reads ?? 0) >= 3);
    expect(tags).toHaveLength(1); // the same tag again and again is one event
    expect(driver.isAlive()).toBe(true);
    await driver.close();
    await reader.close();
    await leaks.assertNoneLeft();
  });

  it('command trigger with TID: AccessSpec before the ROSpec, START_ROSPEC after enabling; TID reported', async () => {
    const { driver, tags, commands } = await setUp({ tags: [{ epc: EPC, tid: TID, rssi: -45, antenna: 1 }] }, { startTrigger: 'command', readTid: true });
    await driver.open();
    await driver.configure();
    await waitFor('a tag', () => tags.length > 0);
    expect(commands).toEqual(['SET_READER_CONFIG', 'ADD_ACCESSSPEC', 'ENABLE_ACCESSSPEC', 'ADD_ROSPEC', 'ENABLE_ROSPEC', 'START_ROSPEC']);
    expect(tags[0]).toMatchObject({ epc: EPC, tid: TID });
  });

  it('GPI trigger: nothing is read until the input goes high; weak reads are filtered by RSSI', async () => {
    const { reader, driver, tags } = await setUp(
      { tags: [{ epc: EPC, rssi: -50, antenna: 1 }, { epc: EPC_2, rssi: -85, antenna: 1 }] },
      { startTrigger: 'gpi', gpiPort: 1, minRssi: -70 },
    );
    await driver.open();
    await driver.configure();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tags).toEqual([]);
    await reader.run({ op: 'gpi', port: 1, state: true });
    await waitFor('a tag after the GPI edge', () => tags.length > 0);
    await waitFor('weak reads counted', () => (driver.counters().weak ?? 0) > 0);
    expect(tags.map((t) => t.epc)).toEqual([EPC]);
    expect(driver.counters().gpiEvents).toBe(1);
  });

  it('a second client is refused with a clear reason; nothing listening is ECONNREFUSED', async () => {
    const { driver, port } = await setUp({});
    await driver.open();
    const second = new LlrpReader(llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'other', host: '127.0.0.1', port }), { clock: systemClock, log });
    await expect(second.open()).rejects.toThrow(/^EBUSY: reader refused the connection: another client is connected \(127\.0\.0\.1:\d+\)$/);
    await second.close();
    await driver.close();
    const nobody = new LlrpReader(llrpReaderConfigSchema.parse({ type: 'llrp-reader', name: 'nobody', host: '127.0.0.1', port: 1 }), { clock: systemClock, log });
    await expect(nobody.open()).rejects.toThrow(/^ECONNREFUSED: /);
  });

  it('a malformed report is dropped and counted; the link stays up and later reports arrive', async () => {
    const { reader, driver, tags } = await setUp({});
    await driver.open();
    await driver.configure();
    await reader.run({ op: 'malformed' });
    await reader.run({ op: 'tags', tags: [{ epc: EPC, rssi: -50, antenna: 1 }] });
    await waitFor('a tag after the malformed report', () => tags.length > 0);
    expect(driver.counters()).toMatchObject({ malformed: 1, errors: 0 });
  });

  it('with the supervisor: garbage on the stream, a dropped connection and a hung reader each end in a reconnect, and inventory resumes', async () => {
    const { reader, driver, tags } = await setUp({ tags: [{ epc: EPC, rssi: -50, antenna: 1 }] }, { dedupeWindowMs: 0 });
    const supervisor = new DeviceSupervisor(driver, { clock: systemClock, log, backoff: { initialMs: 50, jitter: 0 }, watchIntervalMs: 50 });
    cleanups.push(() => supervisor.stop());
    await supervisor.start();
    expect(supervisor.health().state).toBe('ok');
    const faults = [{ op: 'garbage', length: 64 }, { op: 'drop' }, { op: 'stall', ms: 900 }] as const;
    for (const [i, fault] of faults.entries()) {
      await reader.run(fault);
      await waitFor(`reconnect ${i + 1}`, () => supervisor.health().reconnects === i + 1 && supervisor.health().state === 'ok');
      const seen = tags.length;
      await waitFor('reads after the reconnect', () => tags.length > seen);
    }
    expect(supervisor.health().lastError).toMatch(/liveness timeout/);
    expect(reader.seen.connections).toBe(4);
  });
});
