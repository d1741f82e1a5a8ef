import { parse as parseWithLibrary, type Autocorrect, type FieldRecords, type MRZFormat } from 'mrz';
import { fail, type Result } from '../result.js';
import { isPossibleMrzDate } from './mrz-dates.js';
import { normaliseMrzLines, type MrzInput, type MrzShapeReason } from './normalise-mrz.js';

/**
 * MRZ parsing: our normalisation, then the maintained `mrz` package for the format grammars,
 * check digits and state codes, then a calendar check it lacks. Never throws.
 *
 * A result with ok: true holds personal data (names, numbers, dates): hand it to the decision
 * engine, never log it. `libraryError` strings echo field contents for the same reason.
 */
export type MrzReason = MrzShapeReason | 'MRZ_UNREADABLE';

export type MrzFieldCode = 'MRZ_CHECK_DIGIT' | 'MRZ_UNKNOWN_STATE' | 'MRZ_INVALID_DATE' | 'MRZ_IMPOSSIBLE_DATE' | 'MRZ_FIELD_INVALID';

export interface MrzFieldProblem {
  field: string | null;
  code: MrzFieldCode;
  /** The mrz package's message, or ours for calendar problems. May contain personal data. */
  libraryError: string;
}

export interface ParsedMrz {
  format: MRZFormat;
  /** True when every field is valid: check digits, state codes, dates (including the calendar). */
  valid: boolean;
  documentNumber: string | null;
  fields: FieldRecords;
  invalidFields: MrzFieldProblem[];
  /** Characters changed by autocorrection (only with { autocorrect: true }). */
  autocorrected: { field: string | null; autocorrect: Autocorrect[] }[];
}

export type MrzResult = Result<ParsedMrz, MrzReason>;

export interface ParseMrzOptions {
  /** Let the parser swap OCR look-alikes (0/O, 1/I, 8/B, 5/S, 2/Z, 6/G) by field type. */
  autocorrect?: boolean;
}

function fieldCode(error: string): MrzFieldCode {
  if (/check digit/iu.test(error)) return 'MRZ_CHECK_DIGIT';
  if (/state code/iu.test(error)) return 'MRZ_UNKNOWN_STATE';
  if (/date/iu.test(error)) return 'MRZ_INVALID_DATE';
  return 'MRZ_FIELD_INVALID';
}

const DATE_FIELDS = ['birthDate', 'expirationDate', 'issueDate'] as const;

export function parseMrz(input: MrzInput, options: ParseMrzOptions = {}): MrzResult {
  const norm = normaliseMrzLines(input);
  if (!norm.ok) return norm;
  let lib: ReturnType<typeof parseWithLibrary>;
  try {
    lib = parseWithLibrary(norm.lines, { autocorrect: options.autocorrect === true });
  } catch {
    // The library throws on content it cannot read at all (e.g. a line with no MRZ character).
    // Its message may quote the input, so it is not passed on.
    return fail('MRZ_UNREADABLE', `${norm.lines.length} line(s) of ${norm.lines.map((l) => l.length).join('/')} characters the parser could not read`);
  }
  const invalidFields: MrzFieldProblem[] = [];
  const autocorrected: ParsedMrz['autocorrected'] = [];
  for (const d of lib.details) {
    if (!d.valid) invalidFields.push({ field: d.field, code: fieldCode(d.error ?? ''), libraryError: d.error ?? 'invalid' });
    if (d.autocorrect.length > 0) autocorrected.push({ field: d.field, autocorrect: d.autocorrect });
  }
  let valid = lib.valid;
  for (const f of DATE_FIELDS) {
    const v = lib.fields[f];
    if (typeof v === 'string' && v.length === 6 && !isPossibleMrzDate(v)) {
      invalidFields.push({ field: f, code: 'MRZ_IMPOSSIBLE_DATE', libraryError: `${f} is not a calendar date` });
      valid = false;
    }
  }
  return { ok: true, format: lib.format, valid, documentNumber: lib.documentNumber, fields: lib.fields, invalidFields, autocorrected };
}
