import { describe, expect, it } from 'vitest';
import { LlrpDecodeError, LlrpMessageReader, encodeMessage, parseParams } from '../../../../drivers/rfid/llrp/llrp-binary.js';
import {
  MSG,
  START_TRIGGER,
  addRospecBody,
  addTidAccessSpecBody,
  parseReaderEvent,
  parseRoAccessReport,
  parseStatus,
  setReaderConfigBody,
} from '../../../../drivers/rfid/llrp/llrp-messages.js';
import {
  connectionAttemptBody,
  decodeAddAccessSpec,
  decodeAddRospec,
  decodeSetReaderConfig,
  gpiEventBody,
  statusBody,
  tagReportData,
} from '../../../../drivers/sim/llrp-sim-codec.js';

const h = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('LLRP message header', () => {
  it('3 bits reserved, 3 bits version 1, 10 bits type; 32-bit length; 32-bit ID', () => {
    expect(encodeMessage(MSG.KEEPALIVE_ACK, 5).toString('hex')).toBe('0448' + '0000000a' + '00000005');
    expect(encodeMessage(MSG.READER_EVENT_NOTIFICATION, 0x01020304, Buffer.of(0xaa)).toString('hex')).toBe('043f' + '0000000b' + '01020304' + 'aa');
  });

  it('the stream reader cuts messages at any chunk boundary and refuses a stream it cannot trust', () => {
    const wire = Buffer.concat([encodeMessage(MSG.KEEPALIVE, 1), encodeMessage(MSG.RO_ACCESS_REPORT, 2, Buffer.alloc(20, 1))]);
    const reader = new LlrpMessageReader();
    const got = [];
    for (const byte of wire) got.push(...reader.push(Buffer.of(byte)).messages);
    expect(got.map((m) => [m.type, m.id, m.body.length])).toEqual([
      [MSG.KEEPALIVE, 1, 0],
      [MSG.RO_ACCESS_REPORT, 2, 20],
    ]);
    expect(new LlrpMessageReader().push(h('0848 0000000a 00000001')).error).toBe('unsupported LLRP version 2');
    expect(new LlrpMessageReader().push(h('0448 00000003 00000001')).error).toBe('impossible message length 3');
    expect(new LlrpMessageReader(1024).push(h('0448 00100000 00000001')).error).toBe('impossible message length 1048576');
  });
});

describe('LLRP client messages', () => {
  it('SET_READER_CONFIG: reset bit, then KeepaliveSpec (periodic, ms)', () => {
    expect(setReaderConfigBody({ reset: true, keepaliveMs: 1000 }).toString('hex')).toBe('80' + '00dc0009' + '01' + '000003e8');
    expect(decodeSetReaderConfig(setReaderConfigBody({ reset: false, keepaliveMs: 250 }))).toEqual({ reset: false, keepaliveMs: 250 });
  });

  it('ADD_ROSPEC carries the trigger, the antennas and report-every-tag; the reader side decodes it back', () => {
    const immediate = addRospecBody({ id: 7, trigger: { kind: 'immediate' }, antennas: [] });
    // ROSpec (177) ID 7, priority 0, state disabled; ROBoundarySpec (178): start trigger (179) Immediate,
    // stop trigger (182) Null with duration 0.
    expect(immediate.subarray(0, 28).toString('hex')).toBe(
      '00b1' + immediate.length.toString(16).padStart(4, '0') + '00000007' + '00' + '00' + '00b20012' + '00b3000501' + '00b600090000000000',
    );
    expect(decodeAddRospec(immediate)).toEqual({ id: 7, startTrigger: START_TRIGGER.IMMEDIATE, gpiPort: null, stopTrigger: 0, antennas: [] });
    expect(decodeAddRospec(addRospecBody({ id: 1, trigger: { kind: 'gpi', port: 3 }, antennas: [1, 2] }))).toEqual({
      id: 1,
      startTrigger: START_TRIGGER.GPI,
      gpiPort: 3,
      stopTrigger: 2,
      antennas: [1, 2],
    });
    expect(decodeAddRospec(addRospecBody({ id: 2, trigger: { kind: 'command' }, antennas: [4] })).startTrigger).toBe(START_TRIGGER.NULL);
  });

  it('ADD_ACCESSSPEC reads the TID bank with the given OpSpecID and word count', () => {
    expect(decodeAddAccessSpec(addTidAccessSpecBody({ accessSpecId: 9, rospecId: 1, opSpecId: 4, wordCount: 6 }))).toEqual({
      id: 9,
      rospecId: 1,
      opSpecId: 4,
      memoryBank: 2,
      wordCount: 6,
    });
  });
});

describe('LLRP reader messages', () => {
  it('RO_ACCESS_REPORT from hand-assembled bytes: EPC-96, antenna, peak RSSI, first seen', () => {
    const body = h(`
      00f0 001f
        8d 300833b2ddd9014000000001
        81 0002
        86 c4
        82 0005f5e1 00000000
    `);
    const [tag] = parseRoAccessReport(body);
    expect(tag).toMatchObject({ antenna: 2, rssi: -60, firstSeenUtcUs: 0x0005f5e100000000n });
    expect(tag!.epc.toString('hex')).toBe('300833b2ddd9014000000001');
  });

  it('EPCData with a 128-bit EPC and a TID from a C1G2ReadOpSpecResult', () => {
    const epc = Buffer.from('E2801160600002054D6F4A1200112233', 'hex');
    const tid = Buffer.from('E2801160200074CF085909AD', 'hex');
    const body = tagReportData({ epc, antenna: 1, rssi: -41, firstSeenUs: 1n, read: { accessSpecId: 1, opSpecId: 1, data: tid } });
    const [tag] = parseRoAccessReport(body);
    expect(tag!.epc).toEqual(epc);
    expect(tag!.reads.get(1)).toEqual(tid);
    expect(parseParams(body)[0]!.type).toBe(240);
  });

  it('malformed content is a LlrpDecodeError, never a crash', () => {
    expect(() => parseRoAccessReport(h('00f0 00c8 0000000000000000'))).toThrow(LlrpDecodeError);
    expect(() => parseRoAccessReport(h('00f0 0008 81 0002 0000'))).toThrow(LlrpDecodeError);
    expect(() => parseRoAccessReport(h('00f0 0007 810002'))).toThrow(/TagReportData without EPC/);
    expect(() => parseRoAccessReport(h('00f0 0006 ff00'))).toThrow(/unknown TV parameter type 127/);
    expect(() => parseStatus(Buffer.alloc(0))).toThrow(/without LLRPStatus/);
  });

  it('status, connection attempt and GPI events decode', () => {
    expect(parseStatus(statusBody(101, 'no ROSpec 9'))).toEqual({ code: 101, description: 'no ROSpec 9' });
    expect(parseReaderEvent(connectionAttemptBody(2, 5n))).toEqual({ connectionAttempt: 2, connectionClosed: false, gpi: null });
    expect(parseReaderEvent(gpiEventBody(3, true, 5n)).gpi).toEqual({ port: 3, state: true });
  });
});
