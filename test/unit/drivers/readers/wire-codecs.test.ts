import { describe, expect, it } from 'vitest';
import { encodeRteBlock, rteBcc, rteBlockFormat } from '../../../../drivers/mrz/rte-frame.js';
import { R2000_CMD, encodeR2000, r2000Check, r2000Format, r2000Protocol, rssiToDbm } from '../../../../drivers/rfid/r2000-protocol.js';
import {
  UHF_CMD,
  UHF_STATUS,
  crc16Mcrf4xx,
  decodeInventoryData,
  encodeInventoryData,
  encodeUhfCommand,
  encodeUhfResponse,
  uhfReader18Protocol,
  uhfResponseFormat,
} from '../../../../drivers/rfid/uhfreader18-protocol.js';
import { splitAimIdentifier } from '../../../../drivers/scanner/aim-identifier.js';
import {
  DATALOGIC_DISABLE,
  DATALOGIC_ENABLE,
  HONEYWELL_TRIGGER_OFF,
  HONEYWELL_TRIGGER_ON,
  NEWLAND_TRIGGER_OFF,
  NEWLAND_TRIGGER_ON,
  SSI_SCAN_ENABLE,
  SSI_START_DECODE,
  SSI_STOP_DECODE,
  newlandReply,
  parseNewlandReply,
} from '../../../../drivers/scanner/trigger-commands.js';
import { SSI_NAK, encodeSsi, ssiAck, ssiChecksum, ssiNak, ssiPacketFormat } from '../../../../drivers/scanner/zebra-ssi.js';

const hex = (b: Buffer): string => b.toString('hex');

describe('scanner host commands, byte for byte', () => {
  it('Honeywell serial trigger is SYN T CR / SYN U CR', () => {
    expect(hex(HONEYWELL_TRIGGER_ON)).toBe('16540d');
    expect(hex(HONEYWELL_TRIGGER_OFF)).toBe('16550d');
  });

  it('Newland trigger is ~ SOH 0000#SCNTRG1; ETX, and its reply is STX SOH 0000#SCNTRG1 ACK ; ETX', () => {
    expect(NEWLAND_TRIGGER_ON.toString('latin1')).toBe('~\x010000#SCNTRG1;\x03');
    expect(NEWLAND_TRIGGER_OFF.toString('latin1')).toBe('~\x010000#SCNTRG0;\x03');
    const reply = newlandReply('SCNTRG1', true);
    expect(reply.toString('latin1')).toBe('\x02\x010000#SCNTRG1\x06;\x03');
    expect(parseNewlandReply(reply.subarray(1, -1))).toEqual({ body: 'SCNTRG1', ok: true });
    expect(parseNewlandReply(newlandReply('SCNTRG1', false).subarray(1, -1))).toEqual({ body: 'SCNTRG1', ok: false });
    expect(parseNewlandReply(Buffer.from('\x01garbage;'))).toBeNull();
  });

  it('Datalogic uses single characters E and D', () => {
    expect(DATALOGIC_ENABLE.toString('latin1')).toBe('E');
    expect(DATALOGIC_DISABLE.toString('latin1')).toBe('D');
  });

  it('Zebra SSI packets: length, opcode, source, status, data, two-byte two\'s-complement checksum', () => {
    // The host ACK every SSI integration guide lists: 04 D0 04 00 FF 28.
    expect(hex(ssiAck())).toBe('04d00400ff28');
    expect(hex(ssiNak(SSI_NAK.RESEND))).toBe('05d1040001ff25');
    expect(hex(SSI_SCAN_ENABLE)).toBe('04e90400ff0f');
    expect(hex(SSI_START_DECODE)).toBe('04e40400ff14');
    expect(hex(SSI_STOP_DECODE)).toBe('04e50400ff13');
    expect(ssiChecksum(Buffer.from([0x04, 0xd0, 0x04, 0x00]))).toBe(0xff28);
    const decode = encodeSsi({ opcode: 0xf3, source: 0, status: 0, data: Buffer.from([0x1c, 0x41, 0x42]) });
    expect(ssiPacketFormat.parse(decode)).toEqual({ opcode: 0xf3, source: 0, status: 0, data: Buffer.from([0x1c, 0x41, 0x42]) });
    const corrupt = Buffer.from(decode);
    corrupt[5] = corrupt[5]! ^ 1;
    expect(ssiPacketFormat.parse(corrupt)).toBeNull();
    expect(() => encodeSsi({ opcode: 0xf3, data: Buffer.alloc(252) })).toThrow(/at most 251/);
  });
});

describe('AIM symbology identifiers', () => {
  it.each([
    [']Q1HELLO', ']Q1', 'HELLO'],
    [']C0123456', ']C0', '123456'],
    [']d1\x1d0109501', ']d1', '\x1d0109501'],
    [']e0X', ']e0', 'X'],
  ])('%j -> %s + %j', (frame, symbology, data) => {
    const split = splitAimIdentifier(Buffer.from(frame, 'latin1'));
    expect(split?.symbology).toBe(symbology);
    expect(split?.data.toString('latin1')).toBe(data);
  });

  it.each([['NOAIM'], [']Q'], ['];1X'], [']1QX'], ['Q1]X']])('%j has none', (frame) => {
    expect(splitAimIdentifier(Buffer.from(frame, 'latin1'))).toBeNull();
  });
});

describe('UHFReader18 frames', () => {
  it('CRC-16/MCRF4XX matches the standard check value and the inventory command every manual prints', () => {
    expect(crc16Mcrf4xx(Buffer.from('123456789'))).toBe(0x6f91);
    expect(hex(encodeUhfCommand(0xff, UHF_CMD.INVENTORY))).toBe('04ff011bb4');
  });

  it('parses an inventory answer with two EPCs and says the round is over', () => {
    const epcA = Buffer.from('E2801160600002054D6F4A12', 'hex');
    const epcB = Buffer.from('300833B2DDD9014000000001', 'hex');
    const frame = encodeUhfResponse(0x00, UHF_CMD.INVENTORY, UHF_STATUS.INVENTORY_DONE, encodeInventoryData([epcA, epcB]));
    expect(frame[0]).toBe(frame.length - 1);
    const packet = uhfResponseFormat.parse(frame)!;
    expect(packet).toMatchObject({ address: 0, command: 1, status: 1 });
    expect(uhfReader18Protocol.interpret(packet)).toEqual([
      { kind: 'tags', tags: [{ epc: epcA, antenna: null, rssi: null }, { epc: epcB, antenna: null, rssi: null }] },
      { kind: 'round-end', ok: true, detail: 'status 0x01' },
    ]);
  });

  it('no tag ends the round; a claimed EPC beyond Gen2 size is oversize; lengths that do not add up are malformed', () => {
    expect(uhfReader18Protocol.interpret({ address: 0, command: 1, status: UHF_STATUS.NO_TAG, data: Buffer.alloc(0) })).toEqual([
      { kind: 'round-end', ok: true, detail: 'no tag' },
    ]);
    expect(decodeInventoryData(Buffer.concat([Buffer.of(1, 64), Buffer.alloc(64)]))).toEqual({ invalid: 'oversize' });
    expect(decodeInventoryData(Buffer.of(1, 12, 0xaa))).toEqual({ invalid: 'malformed' });
    expect(decodeInventoryData(Buffer.of(1, 2, 0xaa, 0xbb, 0xcc))).toEqual({ invalid: 'malformed' });
  });

  it('replies to setup commands report success by status', () => {
    const ok = uhfResponseFormat.parse(encodeUhfResponse(0, UHF_CMD.SET_POWER, 0))!;
    expect(uhfReader18Protocol.interpret(ok)).toEqual([{ kind: 'reply', command: UHF_CMD.SET_POWER, ok: true, detail: 'status 0x00' }]);
    expect(hex(uhfReader18Protocol.setup({ address: 0, powerDbm: 26, antenna: 1 })[0]!.bytes)).toBe(hex(encodeUhfCommand(0, 0x2f, Uint8Array.of(26))));
  });
});

describe('R2000 frames', () => {
  it('checksum is the two\'s complement of the byte sum', () => {
    // Real-time inventory, repeat 1, broadcast address: A0 04 FF 89 01 + check.
    const frame = encodeR2000(0xff, R2000_CMD.REAL_TIME_INVENTORY, Uint8Array.of(1));
    expect(hex(frame)).toBe('a004ff8901d3');
    expect((frame.reduce((sum, b) => sum + b, 0) & 0xff)).toBe(0);
    expect(r2000Check(Buffer.from([0xa0, 0x03, 0x01, 0x72]))).toBe(0xea);
  });

  it('tag frame: antenna from the low bits, EPC between PC and RSSI, RSSI byte - 129 dBm', () => {
    const epc = Buffer.from('E2801160600002054D6F4A12', 'hex');
    const data = Buffer.concat([Buffer.of((7 << 2) | 2, 0x30, 0x00), epc, Buffer.of(0x4d)]);
    const packet = r2000Format.parse(encodeR2000(1, R2000_CMD.REAL_TIME_INVENTORY, data))!;
    expect(r2000Protocol.interpret(packet)).toEqual([{ kind: 'tags', tags: [{ epc, antenna: 3, rssi: 0x4d - 129 }] }]);
    expect(rssiToDbm(0x62)).toBe(-31);
  });

  it('round end (7 data bytes) and error (1 byte) end the round; odd EPC lengths are malformed', () => {
    const end = r2000Format.parse(encodeR2000(1, 0x89, Buffer.from('00000a00000014', 'hex')))!;
    expect(r2000Protocol.interpret(end)).toEqual([{ kind: 'round-end', ok: true, detail: 'total 20' }]);
    const error = r2000Format.parse(encodeR2000(1, 0x89, Uint8Array.of(0x22)))!;
    expect(r2000Protocol.interpret(error)).toEqual([{ kind: 'round-end', ok: false, detail: 'error code 0x22' }]);
    const odd = r2000Format.parse(encodeR2000(1, 0x89, Buffer.alloc(9)))!;
    expect(r2000Protocol.interpret(odd)).toEqual([{ kind: 'invalid', reason: 'malformed', length: 9 }]);
    const big = r2000Format.parse(encodeR2000(1, 0x89, Buffer.alloc(4 + 64)))!;
    expect(r2000Protocol.interpret(big)).toEqual([{ kind: 'invalid', reason: 'oversize', length: 68 }]);
  });
});

describe('RTE blocks', () => {
  it('SOH, length word (low first), OU, STX, flag, data, ETX, BCC (XOR from the length word to ETX)', () => {
    const block = encodeRteBlock(Buffer.from('AB\r', 'latin1'), 0x30);
    expect(hex(block)).toBe(`01${'0900'}4f55023041420d03${rteBcc(block.subarray(1, -1)).toString(16).padStart(2, '0')}`);
    const format = rteBlockFormat(512);
    expect(format.sizeAt(block, 0)).toBe(block.length);
    expect(format.parse(block)).toEqual({ flag: 0x30, data: Buffer.from('AB\r', 'latin1') });
    const bad = Buffer.from(block);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(format.parse(bad)).toBeNull();
  });
});
