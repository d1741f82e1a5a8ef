import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorText } from '../result.js';
import { mrzCheckDigit, verifyMrzCheckDigit } from '../mrz/check-digit.js';
import { parseMrz } from '../mrz/parse-mrz.js';

/**
 * `lanectl eval mrz FILE_OR_DIR`: runs the MRZ vectors (layout of shared/fixtures/mrz/
 * mrz_vectors.json) through parseMrz() and compares every expectation: rejection, format,
 * validity, document number, all fields, invalid fields, autocorrections, check digits.
 */
const ParseVector = z.looseObject({
  id: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
  parseOptions: z.looseObject({ autocorrect: z.boolean().optional() }).optional(),
  expected: z.union([
    z.looseObject({ throws: z.string() }),
    z.looseObject({
      format: z.string(),
      valid: z.boolean(),
      documentNumber: z.string().nullable(),
      fields: z.record(z.string(), z.unknown()),
      invalidFields: z.array(z.looseObject({ field: z.string().nullable(), error: z.string() })),
      autocorrected: z.array(z.unknown()),
    }),
  ]),
});

const CheckDigitVector = z.union([
  z.looseObject({ kind: z.literal('check'), input: z.string(), checkDigit: z.string(), expectedValid: z.boolean(), expectedError: z.string().nullable() }),
  z.looseObject({ kind: z.literal('computeCheckDigit'), input: z.string(), digit: z.number(), expectedEqual: z.boolean() }),
]);

const VectorFile = z.looseObject({ vectors: z.array(z.unknown()), checkDigitVectors: z.array(z.unknown()).optional() });

export interface MrzDisagreement {
  id: string;
  flag: string;
  expected: unknown;
  actual: unknown;
}

export interface MrzEvalReport {
  file: string;
  vectors: number;
  checkDigitVectors: number;
  flagsCompared: number;
  agreements: number;
  disagreements: MrzDisagreement[];
  /** MRZ steps with no expectation here; kept for the same report shape as eval qr. */
  outOfScope: string[];
  errors: { id: string; error: string }[];
  byFlag: Record<string, { compared: number; agreements: number }>;
}

/** Structural equality for JSON-shaped values (key order ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

async function resolveFile(path: string): Promise<string> {
  const s = await stat(path);
  return s.isDirectory() ? join(path, 'mrz_vectors.json') : path;
}

export async function evalMrz(path: string): Promise<MrzEvalReport> {
  const file = await resolveFile(path);
  const doc = VectorFile.parse(JSON.parse(await readFile(file, 'utf8')));
  const report: MrzEvalReport = { file, vectors: 0, checkDigitVectors: 0, flagsCompared: 0, agreements: 0, disagreements: [], outOfScope: [], errors: [], byFlag: {} };
  const compare = (id: string, flag: string, expected: unknown, actual: unknown): void => {
    const f = (report.byFlag[flag] ??= { compared: 0, agreements: 0 });
    f.compared++;
    report.flagsCompared++;
    if (deepEqual(expected, actual)) {
      f.agreements++;
      report.agreements++;
    } else {
      report.disagreements.push({ id, flag, expected, actual });
    }
  };

  doc.vectors.forEach((raw, i) => {
    const parsed = ParseVector.safeParse(raw);
    if (!parsed.success) {
      report.errors.push({ id: `vectors[${i}]`, error: parsed.error.issues[0]?.message ?? 'invalid vector' });
      return;
    }
    const v = parsed.data;
    report.vectors++;
    let result: ReturnType<typeof parseMrz>;
    try {
      result = parseMrz(v.input, { autocorrect: v.parseOptions?.autocorrect === true });
    } catch (err) {
      // parseMrz must never throw; if it does, that is a disagreement on every expectation.
      report.errors.push({ id: v.id, error: `threw: ${errorText(err)}` });
      return;
    }
    const e = v.expected;
    if ('throws' in e) {
      compare(v.id, 'rejected', true, !result.ok);
      return;
    }
    compare(v.id, 'rejected', false, !result.ok);
    const r = result.ok ? result : undefined;
    compare(v.id, 'format', e.format, r?.format);
    compare(v.id, 'valid', e.valid, r?.valid);
    compare(v.id, 'documentNumber', e.documentNumber, r?.documentNumber);
    compare(v.id, 'fields', e.fields, r?.fields);
    compare(v.id, 'invalidFields', e.invalidFields, r?.invalidFields.map((f) => ({ field: f.field, error: f.libraryError })));
    compare(v.id, 'autocorrected', e.autocorrected, r?.autocorrected);
  });

  (doc.checkDigitVectors ?? []).forEach((raw, i) => {
    const parsed = CheckDigitVector.safeParse(raw);
    if (!parsed.success) {
      report.errors.push({ id: `checkDigitVectors[${i}]`, error: parsed.error.issues[0]?.message ?? 'invalid vector' });
      return;
    }
    const v = parsed.data;
    report.checkDigitVectors++;
    const id = `checkDigit[${i}]`;
    if (v.kind === 'check') {
      const r = verifyMrzCheckDigit(v.input, v.checkDigit);
      compare(id, 'checkDigitValid', v.expectedValid, r.valid);
      // The expected error names the right digit ("... Must be 5"): compare that digit.
      const must = v.expectedError ? /Must be (\d)/u.exec(v.expectedError)?.[1] : undefined;
      if (must !== undefined) compare(id, 'checkDigitExpected', Number(must), r.expected);
    } else {
      compare(id, 'computeCheckDigit', v.expectedEqual, mrzCheckDigit(v.input) === v.digit);
    }
  });
  return report;
}
