/**
 * AIM symbology identifiers (ISO/IEC 15424): scanners can be programmed to put `]cm` in front of each
 * code, where `c` names the symbology (Q = QR Code, C = Code 128, d = Data Matrix, L = PDF417,
 * E = EAN/UPC, z = Aztec, ...) and `m` is a modifier (e.g. ]Q1 = QR model 2, ]C1 = GS1-128).
 * The lane uses it to tell a travel-document QR from a stray 1D barcode, and GS1 data from text.
 */
export interface AimSplit {
  /** The identifier as sent, e.g. `]Q1`. */
  symbology: string;
  /** The code content after the identifier. */
  data: Buffer;
}

const BRACKET = 0x5d; // ']'

function isLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function isModifier(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || isLetter(byte);
}

/** Splits a leading AIM identifier off a frame; null when the frame does not start with one. */
export function splitAimIdentifier(frame: Buffer): AimSplit | null {
  if (frame.length < 3 || frame[0] !== BRACKET) return null;
  const code = frame[1]!;
  const modifier = frame[2]!;
  if (!isLetter(code) || !isModifier(modifier)) return null;
  return { symbology: frame.toString('latin1', 0, 3), data: frame.subarray(3) };
}

/** Human names for the identifiers a border lane meets; for docs, logs and lanectl. */
export const AIM_SYMBOLOGY_NAMES: Readonly<Record<string, string>> = {
  Q: 'QR Code',
  C: 'Code 128',
  d: 'Data Matrix',
  L: 'PDF417',
  E: 'EAN/UPC',
  z: 'Aztec',
  A: 'Code 39',
  I: 'Interleaved 2 of 5',
  e: 'GS1 DataBar',
};
