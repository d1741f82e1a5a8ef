import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEpc, type EpcReason } from '../../../src/credentials/rfid/epc.js';
import { decodeTid, type TidReason } from '../../../src/credentials/rfid/tid.js';
import { mutateText, PROPERTY_RUNS } from './helpers/mutate.js';

const EPC_REASONS = new Set<EpcReason>(['HEX_EMPTY', 'HEX_NOT_HEX', 'HEX_BAD_LENGTH', 'HEX_TOO_LONG', 'EPC_PC_MISMATCH', 'EPC_LENGTH_MISMATCH', 'EPC_BAD_PARTITION', 'EPC_FIELD_OUT_OF_RANGE']);
const TID_REASONS = new Set<TidReason>(['HEX_EMPTY', 'HEX_NOT_HEX', 'HEX_BAD_LENGTH', 'HEX_TOO_LONG', 'TID_TOO_SHORT', 'TID_UNKNOWN_CLASS']);
const HEX = fc.constantFrom(...'0123456789ABCDEFabcdef', ' ', ':', '-', 'G', 'x');
const VALID = ['3074257BF7194E4000001A85', '3374257BF4000200000004D2', '3474257BF40000000000162E', 'E2801160200012345678', '3000 3074257BF7194E4000001A85'];

const inputs = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: HEX, maxLength: 140 }),
  fc.uint8Array({ minLength: 0, maxLength: 66 }).map((b) => Buffer.from(b).toString('hex')),
  fc.tuple(fc.constantFrom(0x30, 0x33, 0x34), fc.uint8Array({ minLength: 11, maxLength: 11 })).map(([h, b]) => Buffer.from([h, ...b]).toString('hex')),
  fc.tuple(fc.constantFrom(...VALID), mutateText(HEX)).map(([v, m]) => m(v)),
);

describe('EPC and TID decoders under generated and mutated hex', () => {
  it(`never throw and always name a known reason (${PROPERTY_RUNS} runs)`, () => {
    let decoded = 0;
    fc.assert(
      fc.property(inputs, fc.boolean(), (text, includesPc) => {
        const epc = decodeEpc(text, { includesPc });
        if (epc.ok) {
          decoded++;
          expect(epc.hex).toMatch(/^[0-9A-F]+$/);
          expect(epc.tagUri.startsWith('urn:epc:')).toBe(true);
          if (epc.scheme !== 'raw') expect(epc.pureIdentityUri?.startsWith('urn:epc:id:')).toBe(true);
        } else {
          expect(EPC_REASONS.has(epc.reason)).toBe(true);
        }
        const tid = decodeTid(text);
        if (!tid.ok) expect(TID_REASONS.has(tid.reason)).toBe(true);
      }),
      { numRuns: PROPERTY_RUNS },
    );
    expect(decoded).toBeGreaterThan(1_000);
  }, 180_000);
});
