import { afterEach, describe, expect, it } from 'vitest';
import { R2000_CMD, encodeR2000, encodeR2000TagData } from '../../../../drivers/rfid/r2000-protocol.js';
import type { TagRead } from '../../../../drivers/rfid/rfid-reader.js';
import { SerialRfidReader } from '../../../../drivers/rfid/serial-rfid-reader.js';
import { serialRfidReaderConfigSchema, type SerialRfidReaderConfig } from '../../../../drivers/rfid/serial-rfid-reader.config.js';
import { TagFilter } from '../../../../drivers/rfid/tag-filter.js';
import { UHF_CMD, UHF_STATUS, encodeInventoryData, encodeUhfCommand, encodeUhfResponse } from '../../../../drivers/rfid/uhfreader18-protocol.js';
import { RfidSerialSim, rfidSimOptionsSchema } from '../../../../drivers/sim/rfid-serial-sim.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { attachSim, mockSerial, settle, type MockSerial } from './mock-port.js';

const log = new LogHub({ level: 'silent' }).root;
const EPC_A = 'E2801160600002054D6F4A12';
const EPC_B = '300833B2DDD9014000000001';

describe('TagFilter', () => {
  it('reports a tag once while it stays in sight, again after it was away for the window', () => {
    const filter = new TagFilter({ dedupeWindowMs: 1_000, minRssi: null });
    expect(filter.check(EPC_A, null, 0)).toBe('new');
    expect(filter.check(EPC_A, null, 900)).toBe('duplicate');
    expect(filter.check(EPC_A, null, 1_800)).toBe('duplicate'); // the window slides with each sighting
    expect(filter.check(EPC_B, null, 1_800)).toBe('new');
    expect(filter.check(EPC_A, null, 2_800)).toBe('new');
  });

  it('drops weak reads without counting them as sightings; reads without RSSI pass', () => {
    const filter = new TagFilter({ dedupeWindowMs: 1_000, minRssi: -60 });
    expect(filter.check(EPC_A, -75, 0)).toBe('weak');
    expect(filter.check(EPC_A, -59, 10)).toBe('new');
    expect(filter.check(EPC_B, null, 20)).toBe('new');
  });

  it('remembers a bounded number of tags', () => {
    const filter = new TagFilter({ dedupeWindowMs: 60_000, minRssi: null, maxTracked: 100 });
    for (let i = 0; i < 1_000; i += 1) filter.check(`EPC${i}`, null, i);
    expect(filter.tracked).toBeLessThanOrEqual(100);
    expect(filter.check('EPC999', null, 1_000)).toBe('duplicate');
  });
});

const drivers: SerialRfidReader[] = [];
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

async function reader(config: Partial<SerialRfidReaderConfig> & Pick<SerialRfidReaderConfig, 'protocol'>): Promise<{
  driver: SerialRfidReader;
  serial: MockSerial;
  clock: FakeClock;
  tags: TagRead[];
}> {
  const serial = mockSerial();
  const clock = new FakeClock();
  const parsed = serialRfidReaderConfigSchema.parse({ type: 'serial-rfid-reader', name: 'truck-rfid', path: serial.path, ...config });
  const driver = new SerialRfidReader(parsed, { clock, log, portFactory: serial.factory });
  drivers.push(driver);
  const tags: TagRead[] = [];
  driver.on('tag', (t) => void tags.push(t));
  await driver.open();
  return { driver, serial, clock, tags };
}

describe('SerialRfidReader (UHFReader18) on binding-mock', () => {
  it('writes the handshake and power with exact bytes, then polls inventory; answers become filtered tag events', async () => {
    const { driver, serial, clock, tags } = await reader({ protocol: 'uhfreader18', address: 0x00, powerDbm: 26, pollIntervalMs: 100 });
    const configured = driver.configure();
    await settle();
    expect(serial.written().toString('hex')).toBe(encodeUhfCommand(0, UHF_CMD.GET_READER_INFO).toString('hex'));
    serial.emit(encodeUhfResponse(0, UHF_CMD.GET_READER_INFO, 0, Uint8Array.of(3, 1, 9, 3, 0x3e, 0, 26, 10)));
    await settle();
    serial.emit(encodeUhfResponse(0, UHF_CMD.SET_POWER, 0));
    await configured;
    await settle();
    const inventory = encodeUhfCommand(0, UHF_CMD.INVENTORY).toString('hex');
    expect(serial.written().toString('hex')).toBe(
      encodeUhfCommand(0, UHF_CMD.GET_READER_INFO).toString('hex') + encodeUhfCommand(0, UHF_CMD.SET_POWER, Uint8Array.of(26)).toString('hex') + inventory,
    );
    const answer = encodeUhfResponse(0, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([Buffer.from(EPC_A, 'hex'), Buffer.from(EPC_B, 'hex')]));
    serial.emit(answer);
    await settle();
    expect(tags.map((t) => t.epc)).toEqual([EPC_A, EPC_B]);
    expect(tags[0]).toMatchObject({ tid: null, antenna: null, rssi: null });
    // The next round starts after the poll interval; the same tags again are duplicates.
    clock.advance(100);
    await settle();
    serial.emit(answer);
    await settle();
    expect(tags).toHaveLength(2);
    expect(driver.counters()).toMatchObject({ rounds: 2, reads: 4, tags: 2, duplicates: 2 });
  });

  it('a reader that does not answer (wrong baud rate): configure fails naming the step', async () => {
    const { driver, clock } = await reader({ protocol: 'uhfreader18', responseTimeoutMs: 200 });
    const configured = driver.configure();
    await settle();
    clock.advance(200);
    await expect(configured).rejects.toThrow(/ETIMEDOUT: no answer to 'get reader information' within 200 ms \(wrong baud rate, address or protocol\?\)/);
  });

  it('a refused setup command fails configure with the reader\'s status', async () => {
    const { driver, serial, clock } = await reader({ protocol: 'uhfreader18', powerDbm: 20 });
    const { sim } = attachSim(serial, (link) => new RfidSerialSim(link, rfidSimOptionsSchema.parse({ protocol: 'uhfreader18' })), clock);
    await sim.run({ op: 'refuse', count: 1 });
    await expect(driver.configure()).rejects.toThrow(/reader refused 'set power' \(status 0xfe\)/);
  });

  it('unanswered rounds time out and polling goes on; garbage and bad CRCs are counted', async () => {
    const { driver, serial, clock } = await reader({ protocol: 'uhfreader18', responseTimeoutMs: 300, pollIntervalMs: 50 });
    serial.onWrite((chunk) => {
      if (chunk[2] === UHF_CMD.GET_READER_INFO) serial.emit(encodeUhfResponse(0, chunk[2], 0, Uint8Array.of(3, 1, 9, 3, 0x3e, 0, 26, 10)));
    });
    await driver.configure();
    await settle();
    clock.advance(300);
    await settle();
    clock.advance(50);
    await settle();
    expect(driver.counters().timeouts).toBe(1);
    const bad = encodeUhfResponse(0, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([Buffer.from(EPC_A, 'hex')]));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const noTag = encodeUhfResponse(0, UHF_CMD.INVENTORY, UHF_STATUS.NO_TAG);
    // A frame spoilt on the line is one bad-checksum drop; noise is one garbage drop.
    serial.emit(Buffer.concat([bad, noTag, Buffer.from([0x13, 0x37, 0x00, 0xff]), noTag]));
    await settle();
    expect(driver.counters()).toMatchObject({ badChecksum: 1, garbage: 1, rounds: 1 });
  });
});

describe('SerialRfidReader (R2000) with the simulator on the mock port', () => {
  it('handshake, antenna and power are sent; tags below the RSSI threshold are dropped; antenna and RSSI reported', async () => {
    const { driver, serial, clock, tags } = await reader({ protocol: 'r2000', powerDbm: 30, antenna: 2, minRssi: -65, pollIntervalMs: 20 });
    const { events } = attachSim(
      serial,
      (link) =>
        new RfidSerialSim(
          link,
          rfidSimOptionsSchema.parse({
            protocol: 'r2000',
            tags: [
              { epc: EPC_A, rssi: -48, antenna: 2 },
              { epc: EPC_B, rssi: -80, antenna: 2 },
              { epc: '1111222233334444', rssi: -40, antenna: 1 },
            ],
          }),
        ),
      clock,
    );
    await driver.configure();
    await settle(10);
    expect(events.map((e) => e.name)).toEqual(['GET_FIRMWARE_VERSION', 'SET_WORK_ANTENNA', 'SET_OUTPUT_POWER']);
    expect(serial.written().subarray(0, 5).toString('hex')).toBe(encodeR2000(0xff, R2000_CMD.GET_FIRMWARE_VERSION).toString('hex'));
    expect(tags).toEqual([{ epc: EPC_A, tid: null, antenna: 2, rssi: -48, firstSeen: clock.now() }]);
    expect(driver.counters()).toMatchObject({ weak: 1, rounds: 1 });
  });

  it('an R2000 tag frame with an impossible EPC length is dropped as oversize; the stream goes on', async () => {
    const { driver, serial, tags } = await reader({ protocol: 'r2000', dedupeWindowMs: 0 });
    serial.emit(encodeR2000(1, 0x89, encodeR2000TagData(Buffer.alloc(64, 0xab), 1, -40)));
    serial.emit(encodeR2000(1, 0x89, encodeR2000TagData(Buffer.from(EPC_A, 'hex'), 1, -40)));
    await settle();
    expect(tags.map((t) => t.epc)).toEqual([EPC_A]);
    expect(driver.counters().oversize).toBe(1);
  });

  it('close() stops polling: no timer and no handle is left', async () => {
    const leaks = trackHandles();
    const { driver, serial, clock } = await reader({ protocol: 'r2000' });
    attachSim(serial, (link) => new RfidSerialSim(link, rfidSimOptionsSchema.parse({ protocol: 'r2000' })), clock);
    await driver.configure();
    expect(clock.pendingTimers()).toBeGreaterThan(0);
    await driver.close();
    expect(clock.pendingTimers()).toBe(0);
    await leaks.assertNoneLeft();
  });
});
