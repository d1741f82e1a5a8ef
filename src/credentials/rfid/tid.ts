import { fail, type Result } from '../result.js';
import { bitsAt, readerHex, type ReaderHexReason } from './reader-hex.js';

/**
 * TID memory: who made the chip and which model it is. Class E2 (GS1 EPCglobal) carries a
 * 9-bit mask-designer id (MDID) and a 12-bit tag model number (TMN); class E0 carries an
 * ISO/IEC 7816-6 manufacturer code and a 48-bit serial.
 */
export interface DecodedTid {
  hex: string;
  allocationClass: 'gs1' | 'iso7816' | 'iso7816-extended';
  /** GS1 class: extended TID present, security and file indicators. */
  xtid?: boolean;
  securityIndicator?: boolean;
  fileIndicator?: boolean;
  mdid?: number;
  tmn?: number;
  manufacturerCode?: number;
  /** Name from the table below, or undefined when the id is not listed. */
  manufacturer?: string;
  model?: string;
  /** Unique serial part of the TID, when the memory read covers it. */
  serialHex?: string;
}

export type TidReason = ReaderHexReason | 'TID_TOO_SHORT' | 'TID_UNKNOWN_CLASS';

/** GS1 EPCglobal mask-designer ids (9-bit form). Extend as new suppliers appear in the field. */
export const MDID_NAMES: ReadonlyMap<number, string> = new Map([
  [0x001, 'Impinj'],
  [0x002, 'Texas Instruments'],
  [0x003, 'Alien Technology'],
  [0x004, 'Intelleflex'],
  [0x005, 'Atmel'],
  [0x006, 'NXP Semiconductors'],
  [0x007, 'STMicroelectronics'],
  [0x008, 'EP Microelectronics'],
  [0x009, 'Motorola (Symbol Technologies)'],
  [0x00a, 'Sentech Snd Bhd'],
  [0x00b, 'EM Microelectronic'],
  [0x00c, 'Renesas Technology'],
  [0x00d, 'Mstar'],
  [0x00e, 'Tyco International'],
  [0x00f, 'Quanray Electronics'],
  [0x010, 'Fujitsu'],
  [0x011, 'LSIS'],
  [0x012, 'CAEN RFID'],
]);

/** A few common chip models, keyed by MDID then TMN. */
export const TMN_MODELS: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [0x001, new Map([
    [0x105, 'Monza 4QT'],
    [0x130, 'Monza 5'],
    [0x160, 'Monza R6'],
    [0x170, 'Monza R6-P'],
    [0x190, 'M750'],
    [0x191, 'M730'],
  ])],
  [0x003, new Map([
    [0x412, 'Higgs-3'],
    [0x414, 'Higgs-4'],
  ])],
  [0x006, new Map([
    [0x890, 'UCODE 7'],
    [0x894, 'UCODE 8'],
    [0x915, 'UCODE 9'],
  ])],
]);

const MAX_TID_BITS = 512;

export function decodeTid(text: string): Result<DecodedTid, TidReason> {
  const parsed = readerHex(text, MAX_TID_BITS);
  if (!parsed.ok) return parsed;
  const hex = parsed.hex;
  const bits = hex.length * 4;
  const v = BigInt(`0x${hex}`);
  const cls = Number(bitsAt(v, bits, 0, 8));
  if (cls === 0xe2) {
    if (bits < 32) return fail('TID_TOO_SHORT', `${bits} bits, a GS1 TID header has 32`);
    const xtid = bitsAt(v, bits, 8, 1) === 1n;
    const mdid = Number(bitsAt(v, bits, 11, 9));
    const tmn = Number(bitsAt(v, bits, 20, 12));
    const out: DecodedTid = {
      hex,
      allocationClass: 'gs1',
      xtid,
      securityIndicator: bitsAt(v, bits, 9, 1) === 1n,
      fileIndicator: bitsAt(v, bits, 10, 1) === 1n,
      mdid,
      tmn,
    };
    const name = MDID_NAMES.get(mdid);
    if (name) out.manufacturer = name;
    const model = TMN_MODELS.get(mdid)?.get(tmn);
    if (model) out.model = model;
    // With an extended TID the 16-bit XTID header precedes the serial.
    const serialStart = xtid ? 12 : 8;
    if (hex.length > serialStart) out.serialHex = hex.slice(serialStart);
    return { ok: true, ...out };
  }
  if (cls === 0xe0 || cls === 0xe3) {
    if (bits < 16) return fail('TID_TOO_SHORT', `${bits} bits, an ISO TID header has 16`);
    const out: DecodedTid = { hex, allocationClass: cls === 0xe0 ? 'iso7816' : 'iso7816-extended', manufacturerCode: Number(bitsAt(v, bits, 8, 8)) };
    if (hex.length > 4) out.serialHex = hex.slice(4);
    return { ok: true, ...out };
  }
  return fail('TID_UNKNOWN_CLASS', `allocation class 0x${cls.toString(16).toUpperCase().padStart(2, '0')} (known: E0, E2, E3)`);
}
