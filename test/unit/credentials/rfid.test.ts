import { describe, expect, it } from 'vitest';
import { decodeEpc, gs1CheckDigit } from '../../../src/credentials/rfid/epc.js';
import { decodeTid } from '../../../src/credentials/rfid/tid.js';

/**
 * Hex -> tag URI pairs published outside this project: the GS1 EPC Tag Data Standard's
 * SGTIN-96 example and encodings used by public EPC translation test suites.
 */
const PUBLISHED: [string, string, string | undefined][] = [
  ['3074257BF7194E4000001A85', 'urn:epc:tag:sgtin-96:3.0614141.812345.6789', 'urn:epc:id:sgtin:0614141.812345.6789'],
  ['3374257BF4000200000004D2', 'urn:epc:tag:grai-96:3.0614141.00008.1234', 'urn:epc:id:grai:0614141.00008.1234'],
  ['33B4257BF40C0E4000000190', 'urn:epc:tag:grai-96:5.0614141.12345.400', 'urn:epc:id:grai:0614141.12345.400'],
  ['330C75BCD150030000000001', 'urn:epc:tag:grai-96:0.123456789.012.1', 'urn:epc:id:grai:123456789.012.1'],
  ['3474257BF40000000000162E', 'urn:epc:tag:giai-96:3.0614141.5678', 'urn:epc:id:giai:0614141.5678'],
  ['3434257BF400000000002694', 'urn:epc:tag:giai-96:1.0614141.9876', 'urn:epc:id:giai:0614141.9876'],
  ['34344B5A1C00000000000001', 'urn:epc:tag:giai-96:1.1234567.1', 'urn:epc:id:giai:1234567.1'],
  ['3414257BF400000000BC6038', 'urn:epc:tag:giai-96:0.0614141.12345400', 'urn:epc:id:giai:0614141.12345400'],
];

describe('EPC decoding', () => {
  it.each(PUBLISHED)('decodes %s', (hex, tagUri, pureUri) => {
    expect(decodeEpc(hex)).toMatchObject({ ok: true, tagUri, pureIdentityUri: pureUri, hex, bits: 96 });
  });

  it('derives the GTIN-14 of an SGTIN (TDS example: 80614141123458)', () => {
    expect(decodeEpc('3074257BF7194E4000001A85')).toMatchObject({ gtin: '80614141123458', companyPrefix: '0614141', reference: '812345', serial: '6789', filter: 3, partition: 5 });
    expect(gs1CheckDigit('8061414112345')).toBe(8);
  });

  it('reads hex the way readers print it', () => {
    for (const text of ['30 74 25 7B F7 19 4E 40 00 00 1A 85', '0x3074257bf7194e4000001a85', '30:74:25:7b:f7:19:4e:40:00:00:1a:85', '3074-257B-F719-4E40-0000-1A85']) {
      expect(decodeEpc(text)).toMatchObject({ ok: true, hex: '3074257BF7194E4000001A85', scheme: 'sgtin-96' });
    }
    // PC word 0x3000: 6 words of EPC follow; a trailing CRC is ignored.
    expect(decodeEpc('3000 3074257BF7194E4000001A85 ABCD', { includesPc: true })).toMatchObject({ ok: true, scheme: 'sgtin-96', hex: '3074257BF7194E4000001A85' });
    // A 128-bit memory read of a 96-bit EPC: the zero padding is not part of the EPC.
    expect(decodeEpc('3074257BF7194E4000001A8500000000')).toMatchObject({ ok: true, hex: '3074257BF7194E4000001A85' });
  });

  it('reports other headers as raw EPCs', () => {
    expect(decodeEpc('E2000017221101441890ABCD')).toMatchObject({ ok: true, scheme: 'raw', bits: 96, tagUri: 'urn:epc:raw:96.xE2000017221101441890ABCD' });
    expect(decodeEpc('1234')).toMatchObject({ ok: true, scheme: 'raw', bits: 16 });
  });

  it('refuses malformed hex and impossible contents with a reason', () => {
    expect(decodeEpc('')).toMatchObject({ ok: false, reason: 'HEX_EMPTY' });
    expect(decodeEpc('30G4')).toMatchObject({ ok: false, reason: 'HEX_NOT_HEX' });
    expect(decodeEpc('30742')).toMatchObject({ ok: false, reason: 'HEX_BAD_LENGTH' });
    expect(decodeEpc('3'.repeat(200))).toMatchObject({ ok: false, reason: 'HEX_TOO_LONG' });
    expect(decodeEpc('3074257BF7194E40')).toMatchObject({ ok: false, reason: 'EPC_LENGTH_MISMATCH' });
    expect(decodeEpc('3074257BF7194E4000001A85FFFF')).toMatchObject({ ok: false, reason: 'EPC_LENGTH_MISMATCH' });
    // Partition 7 is reserved.
    expect(decodeEpc('307C257BF7194E4000001A85')).toMatchObject({ ok: false, reason: 'EPC_BAD_PARTITION' });
    // Partition 0 company prefix of 40 bits all ones = 1099511627775 > 12 digits.
    expect(decodeEpc('3003FFFFFFFFFC0000000001')).toMatchObject({ ok: false, reason: 'EPC_FIELD_OUT_OF_RANGE' });
    expect(decodeEpc('7800 3074257BF7194E4000001A85', { includesPc: true })).toMatchObject({ ok: false, reason: 'EPC_PC_MISMATCH' });
  });
});

describe('TID decoding', () => {
  it('names the maker and model of GS1 class tags', () => {
    expect(decodeTid('E2801160')).toMatchObject({ ok: true, allocationClass: 'gs1', xtid: true, mdid: 1, tmn: 0x160, manufacturer: 'Impinj', model: 'Monza R6' });
    expect(decodeTid('E2003412')).toMatchObject({ ok: true, xtid: false, mdid: 3, tmn: 0x412, manufacturer: 'Alien Technology', model: 'Higgs-3' });
    expect(decodeTid('E2806894 2000 0000 1234 5678')).toMatchObject({ ok: true, mdid: 6, manufacturer: 'NXP Semiconductors', model: 'UCODE 8', serialHex: '000012345678' });
    const unknownModel = decodeTid('E2801FFF');
    expect(unknownModel).toMatchObject({ ok: true, manufacturer: 'Impinj' });
    expect(unknownModel.ok && unknownModel.model).toBeUndefined();
  });

  it('reads ISO class tags and refuses the rest', () => {
    expect(decodeTid('E004 0100 1234 5678')).toMatchObject({ ok: true, allocationClass: 'iso7816', manufacturerCode: 4, serialHex: '010012345678' });
    expect(decodeTid('E280')).toMatchObject({ ok: false, reason: 'TID_TOO_SHORT' });
    expect(decodeTid('A2801160')).toMatchObject({ ok: false, reason: 'TID_UNKNOWN_CLASS' });
    expect(decodeTid('zz')).toMatchObject({ ok: false, reason: 'HEX_NOT_HEX' });
  });
});
