import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalMrz } from '../../../src/credentials/eval/eval-mrz.js';
import { mrzCheckDigit, verifyMrzCheckDigit } from '../../../src/credentials/mrz/check-digit.js';
import { isPossibleMrzDate, mrzYear } from '../../../src/credentials/mrz/mrz-dates.js';
import { normaliseMrzLines } from '../../../src/credentials/mrz/normalise-mrz.js';
import { parseMrz } from '../../../src/credentials/mrz/parse-mrz.js';
import { normaliseDocumentNumber } from '../../../src/credentials/identifiers.js';
import { fixtureFolder } from './helpers/fixtures-dir.js';

// ICAO 9303 part 4 specimen (Utopia passport); UTO is not a real state, so the mrz package calls it invalid.
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
// A TD1 of a real state code with correct check digits (mrz package test specimen).
const TD1 = ['IDCHEA1234567<6<<<<<<<<<<<<<<<', '7510256M2009018CHE<<<<<<<<<<<8', 'SMITH<<JOHN<ALBERT<<<<<<<<<<<<'];

describe('MRZ reader output normalisation', () => {
  it('accepts CR/LF, spaces, `_` fillers, lower case, STX/ETX framing and full-width forms', () => {
    const variants = [
      TD1.join('\r\n'),
      `\u0002${TD1.join('\r')}\u0003\r\n`,
      TD1.map((l) => l.replace(/</g, '_')).join('\n'),
      TD1.map((l) => l.replace(/(.{5})/g, '$1 ')).join('\n'),
      TD1.join('\n').toLowerCase(),
      TD1.join(''),
      TD1.join('\n').replace(/</g, '\uff1c'),
    ];
    for (const v of variants) {
      const r = normaliseMrzLines(v);
      expect(r.ok && r.lines).toEqual(TD1);
      expect(parseMrz(v)).toMatchObject({ ok: true, format: 'TD1', valid: true, documentNumber: 'A1234567' });
    }
    expect(normaliseMrzLines(new TextEncoder().encode(TD3.join('\n')))).toMatchObject({ ok: true, lines: TD3 });
  });

  it('refuses what cannot be an MRZ with a reason', () => {
    expect(parseMrz(Uint8Array.of(0x50, 0x3c, 0xff, 0xfe))).toMatchObject({ ok: false, reason: 'MRZ_NOT_UTF8' });
    expect(parseMrz('')).toMatchObject({ ok: false, reason: 'MRZ_EMPTY' });
    expect(parseMrz(' \r\n ')).toMatchObject({ ok: false, reason: 'MRZ_EMPTY' });
    expect(parseMrz([...TD1, TD1[0]!])).toMatchObject({ ok: false, reason: 'MRZ_LINE_COUNT' });
    expect(parseMrz([TD1[0]!, TD1[1]!.slice(1), TD1[2]!])).toMatchObject({ ok: false, reason: 'MRZ_LINE_LENGTH' });
    expect(parseMrz([TD3[0]!, TD1[1]!])).toMatchObject({ ok: false, reason: 'MRZ_LINE_LENGTH' });
    expect(parseMrz('<'.repeat(600))).toMatchObject({ ok: false, reason: 'MRZ_TOO_LONG' });
    expect(parseMrz([TD1[0]!, TD1[1]!, `SMITH<<JOHN<ALBERT<<<<<<<<<<<${'中'}`])).toMatchObject({ ok: false, reason: 'MRZ_BAD_CHARACTERS' });
    expect(parseMrz(['?'.repeat(30), '?'.repeat(30), '?'.repeat(30)])).toMatchObject({ ok: false, reason: 'MRZ_UNREADABLE' });
  });

  it('never puts the MRZ content into a refusal detail', () => {
    const r = parseMrz(['?'.repeat(30), 'SECRETNAME<<<<<<<<<<<<<<<<<<<<', 'X'.repeat(30)]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.detail).not.toContain('SECRETNAME');
  });
});

describe('MRZ parsing and checks', () => {
  it('reports field problems with stable codes', () => {
    const r = parseMrz(TD3);
    expect(r).toMatchObject({ ok: true, format: 'TD3', valid: false, documentNumber: 'L898902C3' });
    if (r.ok) expect(r.invalidFields.map((f) => [f.field, f.code])).toEqual([
      ['issuingState', 'MRZ_UNKNOWN_STATE'],
      ['nationality', 'MRZ_UNKNOWN_STATE'],
    ]);
    const badDigit = parseMrz([TD1[0]!, TD1[1]!.replace('7510256', '7510257'), TD1[2]!]);
    expect(badDigit.ok && badDigit.invalidFields.map((f) => f.code)).toContain('MRZ_CHECK_DIGIT');
  });

  it('catches impossible calendar dates the mrz package lets through', () => {
    // 31 February 1975, with check digits recomputed so only the calendar is wrong.
    const birth = '750231';
    const line2 = `${birth}${mrzCheckDigit(birth)}M2009018CHE<<<<<<<<<<<`;
    const upper = `${TD1[0]!.slice(5, 30)}${line2.slice(0, 7)}${line2.slice(8, 15)}${line2.slice(18, 29)}`;
    const composite = mrzCheckDigit(upper);
    const r = parseMrz([TD1[0]!, `${line2}${composite}`, TD1[2]!]);
    expect(r).toMatchObject({ ok: true, valid: false });
    if (r.ok) expect(r.invalidFields).toEqual([{ field: 'birthDate', code: 'MRZ_IMPOSSIBLE_DATE', libraryError: 'birthDate is not a calendar date' }]);
    expect(isPossibleMrzDate('000229')).toBe(true);
    expect(isPossibleMrzDate('010229')).toBe(false);
    expect(isPossibleMrzDate('7504<<')).toBe(true);
    expect(isPossibleMrzDate('751301')).toBe(false);
    expect(isPossibleMrzDate('750431')).toBe(false);
  });

  it('computes ICAO check digits and places two-digit years', () => {
    expect(mrzCheckDigit('L898902C3')).toBe(6);
    expect(mrzCheckDigit('740812')).toBe(2);
    expect(mrzCheckDigit('a')).toBeUndefined();
    expect(verifyMrzCheckDigit('120415', '9')).toEqual({ valid: true, expected: 9 });
    const now = Date.UTC(2026, 0, 1);
    expect(mrzYear(74, 'birth', now)).toBe(1974);
    expect(mrzYear(12, 'birth', now)).toBe(2012);
    expect(mrzYear(30, 'birth', now)).toBe(1930);
    expect(mrzYear(30, 'expiry', now)).toBe(2030);
  });

  it('normalises document numbers for hashing the same from every source', () => {
    expect(normaliseDocumentNumber('D23145890<7349')).toBe('D231458907349');
    expect(normaliseDocumentNumber(' c01x-00t47 ')).toBe('C01X00T47');
    expect(normaliseDocumentNumber('Ｃ０１Ｘ００Ｔ４７')).toBe('C01X00T47');
    expect(normaliseDocumentNumber('O0')).toBe('O0');
  });
});

const mrzDir = fixtureFolder('mrz');

describe.skipIf(!mrzDir)('MRZ vectors (shared/fixtures/mrz)', () => {
  it('agrees with every expectation', async () => {
    const report = await evalMrz(mrzDir!);
    const doc = JSON.parse(readFileSync(join(mrzDir!, 'mrz_vectors.json'), 'utf8')) as { vectors: unknown[]; checkDigitVectors: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.vectors).toBe(doc.vectors.length);
    expect(report.checkDigitVectors).toBe(doc.checkDigitVectors.length);
    expect(report.disagreements).toEqual([]);
    expect(report.agreements).toBe(report.flagsCompared);
    expect(report.flagsCompared).toBeGreaterThan(report.vectors * 2);
  });

  it('gives the same results when the vectors arrive as reader output', () => {
    const doc = JSON.parse(readFileSync(join(mrzDir!, 'mrz_vectors.json'), 'utf8')) as {
      vectors: { id: string; input: string | string[]; parseOptions?: { autocorrect?: boolean } }[];
    };
    let compared = 0;
    for (const v of doc.vectors) {
      const lines = typeof v.input === 'string' ? [v.input] : v.input;
      const clean = parseMrz(lines, { autocorrect: v.parseOptions?.autocorrect === true });
      const asReader = `\u0002${lines.map((l) => l.replace(/</g, '_').toLowerCase()).join('\r\n')}\r\n\u0003`;
      const noisy = parseMrz(asReader, { autocorrect: v.parseOptions?.autocorrect === true });
      if (clean.ok) {
        // Lower-casing is undone by the normaliser, but autocorrection reports columns: compare what it decided.
        expect(noisy).toMatchObject({ ok: true, format: clean.format, valid: clean.valid, documentNumber: clean.documentNumber, fields: clean.fields });
      } else {
        expect(noisy.ok).toBe(false);
      }
      compared++;
    }
    expect(compared).toBe(doc.vectors.length);
  });
});
