import { parse } from 'mrz';
import { afterEach, describe, expect, it } from 'vitest';
import { MrzLineAssembler, classifyMrz } from '../../../../drivers/mrz/mrz-lines.js';
import type { MrzDocument, MrzUnreadable } from '../../../../drivers/mrz/mrz-reader.js';
import { encodeRteBlock } from '../../../../drivers/mrz/rte-frame.js';
import { SerialMrzReader } from '../../../../drivers/mrz/serial-mrz-reader.js';
import { serialMrzReaderConfigSchema, type SerialMrzReaderConfig } from '../../../../drivers/mrz/serial-mrz-reader.config.js';
import { MrzReaderSim, SPECIMEN_MRZ, mrzSimOptionsSchema } from '../../../../drivers/sim/mrz-reader-sim.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';
import { LogHub } from '../../../../src/util/logger.js';
import { mockSerial, settle } from './mock-port.js';

describe('classifyMrz', () => {
  it.each([
    ['TD1', SPECIMEN_MRZ.TD1],
    ['TD2', SPECIMEN_MRZ.TD2],
    ['TD3', SPECIMEN_MRZ.TD3],
  ] as const)('%s specimen', (format, lines) => {
    expect(classifyMrz(lines)).toEqual({ ok: true, format, lines: [...lines] });
  });

  it('strips RTE padding and the empty top slot of a two-line document', () => {
    const padded = ['', SPECIMEN_MRZ.TD3[0] + '', SPECIMEN_MRZ.TD3[1].slice(0, 40) + '____'];
    expect(classifyMrz(padded)).toEqual({ ok: false, reason: 'line-length' });
    expect(classifyMrz(['', `${SPECIMEN_MRZ.TD3[0]}`, `${SPECIMEN_MRZ.TD3[1]}`, ''])).toMatchObject({ ok: true, format: 'TD3' });
  });

  it.each([
    [[], 'line-count'],
    [[SPECIMEN_MRZ.TD3[0]], 'line-count'],
    [[SPECIMEN_MRZ.TD1[0], SPECIMEN_MRZ.TD1[1]], 'line-count'],
    [['P<UTO?RIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', SPECIMEN_MRZ.TD3[1]], 'characters'],
    [[SPECIMEN_MRZ.TD3[0], SPECIMEN_MRZ.TD2[1]], 'line-length'],
    [['SHORT', 'LINES'], 'line-length'],
  ])('%j is unreadable: %s', (lines, reason) => {
    expect(classifyMrz(lines)).toEqual({ ok: false, reason });
  });
});

describe('MrzLineAssembler', () => {
  it('completes on the last line of the format; a document cut short is incomplete (by another length or by a pause)', () => {
    const assembler = new MrzLineAssembler({ gapMs: 300 });
    expect(assembler.push(SPECIMEN_MRZ.TD1[0], 0)).toEqual([]);
    expect(assembler.push(SPECIMEN_MRZ.TD1[1], 10)).toEqual([]);
    expect(assembler.push(SPECIMEN_MRZ.TD1[2], 20)).toEqual([{ document: { format: 'TD1', lines: [...SPECIMEN_MRZ.TD1] } }]);
    expect(assembler.push(SPECIMEN_MRZ.TD1[0], 100)).toEqual([]);
    expect(assembler.push(SPECIMEN_MRZ.TD3[0], 110)).toEqual([{ unreadable: 'incomplete' }]);
    expect(assembler.idleDeadline()).toBe(410);
    expect(assembler.flushIdle(409)).toEqual([]);
    expect(assembler.flushIdle(410)).toEqual([{ unreadable: 'incomplete' }]);
    expect(assembler.push('BAD?LINE', 500)).toEqual([{ unreadable: 'characters' }]);
  });
});

const log = new LogHub({ level: 'silent' }).root;
const drivers: SerialMrzReader[] = [];
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

async function reader(config: Partial<SerialMrzReaderConfig>): Promise<{
  driver: SerialMrzReader;
  serial: ReturnType<typeof mockSerial>;
  clock: FakeClock;
  documents: MrzDocument[];
  unreadable: MrzUnreadable[];
}> {
  const serial = mockSerial();
  const clock = new FakeClock();
  const driver = new SerialMrzReader(serialMrzReaderConfigSchema.parse({ type: 'serial-mrz-reader', name: 'mrz', path: serial.path, ...config }), {
    clock,
    log,
    portFactory: serial.factory,
  });
  drivers.push(driver);
  const documents: MrzDocument[] = [];
  const unreadable: MrzUnreadable[] = [];
  driver.on('document', (d) => void documents.push(d));
  driver.on('unreadable', (u) => void unreadable.push(u));
  await driver.open();
  return { driver, serial, clock, documents, unreadable };
}

describe('SerialMrzReader on binding-mock', () => {
  it('rte: parses exact block bytes into a TD3 document; a bad BCC is dropped and counted', async () => {
    const { serial, documents, driver } = await reader({ framing: 'rte' });
    const data = Buffer.from(`\r${SPECIMEN_MRZ.TD3[0]}\r${SPECIMEN_MRZ.TD3[1]}\r`, 'latin1');
    const block = encodeRteBlock(data);
    const bad = Buffer.from(block);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    serial.emit(Buffer.concat([bad, block.subarray(0, 10)]));
    await settle();
    serial.emit(block.subarray(10));
    await settle();
    expect(documents).toEqual([{ format: 'TD3', lines: [...SPECIMEN_MRZ.TD3], at: expect.any(Number) }]);
    expect(driver.counters()).toMatchObject({ documents: 1, badChecksum: 1 });
  });

  it('rte: the simulator and the driver agree on every format, padded or not, and on unreadable OCR', async () => {
    for (const pad of [true, false]) {
      const { serial, documents, unreadable, clock } = await reader({ framing: 'rte' });
      const sim = new MrzReaderSim({ clock, report: () => undefined, write: async (b) => serial.emit(b) }, mrzSimOptionsSchema.parse({ pad }));
      for (const format of ['TD1', 'TD2', 'TD3'] as const) await sim.run({ op: 'document', format });
      await sim.run({ op: 'document', lines: ['P<UTO?RIKSSON', 'L898902C36'] });
      await settle();
      expect(documents.map((d) => d.format)).toEqual(['TD1', 'TD2', 'TD3']);
      expect(documents[0]!.lines).toEqual([...SPECIMEN_MRZ.TD1]);
      expect(unreadable.map((u) => u.reason)).toEqual(['characters']);
    }
  });

  it('lines: CR-separated output assembles documents; a pulled document is reported incomplete after the gap', async () => {
    const { serial, documents, unreadable, clock, driver } = await reader({ framing: 'lines', documentGapMs: 400 });
    serial.emit(`${SPECIMEN_MRZ.TD2[0]}\r${SPECIMEN_MRZ.TD2[1]}\r`);
    await settle();
    serial.emit(`${SPECIMEN_MRZ.TD1[0]}\r`);
    await settle();
    clock.advance(400);
    await settle();
    expect(documents.map((d) => d.format)).toEqual(['TD2']);
    expect(unreadable.map((u) => u.reason)).toEqual(['incomplete']);
    serial.emit(Buffer.concat([Buffer.from([0x00, 0x9f, 0xfe, 0x0d]), Buffer.from('<'.repeat(600) + '\r')]));
    await settle();
    expect(driver.counters()).toMatchObject({ garbage: 1, oversize: 1 });
  });

  it('the specimens the simulator sends pass every ICAO check digit (only the fictional state UTO is unknown)', () => {
    for (const lines of Object.values(SPECIMEN_MRZ)) {
      const result = parse([...lines]);
      const failed = result.details.filter((d) => !d.valid).map((d) => d.field);
      expect(failed.every((field) => field === 'issuingState' || field === 'nationality')).toBe(true);
      expect(result.details.filter((d) => d.field?.endsWith('CheckDigit')).every((d) => d.valid)).toBe(true);
    }
  });
});
