import { mrzCheckDigit } from '../credentials/mrz/check-digit.js';

/**
 * A fictional TD3 passport MRZ (ICAO 9303) with valid check digits, for the passport reader simulator.
 * The demo makes its own rather than using the ICAO specimen (expired in 2012) so the document is valid
 * today; the holder is "DEMO TRAVELLER", nobody real.
 */
export interface DemoPassport {
  documentNumber: string;
  nationality: string;
  lines: [string, string];
}

function digit(text: string): string {
  const d = mrzCheckDigit(text);
  if (d === undefined) throw new Error('MRZ field with characters outside A-Z 0-9 <');
  return String(d);
}

function yymmdd(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}`;
}

export function demoPassport(documentNumber: string, now: Date, nationality = 'VNM'): DemoPassport {
  if (!/^[A-Z0-9]{9}$/.test(documentNumber)) throw new Error('document number must be 9 characters A-Z 0-9');
  const names = 'DEMO<<TRAVELLER';
  const line1 = `P<${nationality}${names}`.padEnd(44, '<');
  const birth = '900101';
  const expiry = yymmdd(new Date(Date.UTC(now.getUTCFullYear() + 5, now.getUTCMonth(), 1)));
  const optional = '<'.repeat(14);
  const doc = `${documentNumber}${digit(documentNumber)}`;
  const dob = `${birth}${digit(birth)}`;
  const exp = `${expiry}${digit(expiry)}`;
  const opt = `${optional}${digit(optional)}`;
  const composite = digit(`${doc}${dob}${exp}${opt}`);
  const line2 = `${doc}${nationality}${dob}M${exp}${opt}${composite}`;
  return { documentNumber, nationality, lines: [line1, line2] };
}
