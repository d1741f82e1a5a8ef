import { fail, type Result } from '../result.js';

/**
 * Turns what an MRZ reader or OCR engine sends into clean MRZ lines before parsing:
 * - bytes must be UTF-8 (readers that send Latin-1 garbage are refused, not guessed at);
 * - STX/ETX and other control characters are dropped, CR, LF and CRLF split lines;
 * - spaces and tabs inside a line are removed (some readers group characters), `_` is read as
 *   the filler `<` (some readers render the filler that way), full-width forms are folded
 *   (NFKC) and letters are upper-cased;
 * - a reader that drops line breaks sends one run of 88, 72, 90 or 69 characters: it is cut
 *   back into the TD3, TD2, TD1 or Swiss driving licence lines.
 */
export type MrzInput = string | readonly string[] | Uint8Array;

export type MrzShapeReason =
  | 'MRZ_NOT_UTF8'
  | 'MRZ_TOO_LONG'
  | 'MRZ_EMPTY'
  | 'MRZ_LINE_COUNT'
  | 'MRZ_LINE_LENGTH'
  | 'MRZ_BAD_CHARACTERS';

/** Longest raw input taken: a TD3 is 88 characters; readers add framing, but not kilobytes. */
export const MRZ_MAX_INPUT_CHARS = 512;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Valid shapes: line lengths per format family (ICAO 9303 TD1/TD2/TD3, French and Swiss licences). */
const SHAPES: ReadonlyArray<readonly number[]> = [[30], [30, 30, 30], [36, 36], [44, 44], [9, 30, 30]];
const RUN_SPLITS: Readonly<Record<number, readonly number[]>> = { 88: [44, 44], 72: [36, 36], 90: [30, 30, 30], 69: [9, 30, 30] };

function splitRun(run: string): string[] {
  const widths = RUN_SPLITS[run.length];
  if (!widths) return [run];
  const out: string[] = [];
  let at = 0;
  for (const w of widths) {
    out.push(run.slice(at, at + w));
    at += w;
  }
  return out;
}

function cleanLine(line: string): string {
  return line
    .normalize('NFKC')
    .replace(/[\s\u0000-\u001f\u007f]/gu, '')
    .replace(/_/gu, '<')
    .toUpperCase();
}

export function normaliseMrzLines(input: MrzInput): Result<{ lines: string[] }, MrzShapeReason> {
  let raw: string[];
  if (input instanceof Uint8Array) {
    if (input.length > MRZ_MAX_INPUT_CHARS * 4) return fail('MRZ_TOO_LONG', `${input.length} bytes, limit ${MRZ_MAX_INPUT_CHARS * 4}`);
    let text: string;
    try {
      text = utf8.decode(input);
    } catch {
      return fail('MRZ_NOT_UTF8', `${input.length} bytes that are not valid UTF-8`);
    }
    raw = text.split(/\r\n|\r|\n/u);
  } else if (typeof input === 'string') {
    raw = input.split(/\r\n|\r|\n/u);
  } else {
    raw = input.flatMap((l) => (typeof l === 'string' ? l.split(/\r\n|\r|\n/u) : []));
  }
  const total = raw.reduce((n, l) => n + l.length, 0);
  if (total > MRZ_MAX_INPUT_CHARS) return fail('MRZ_TOO_LONG', `${total} characters, limit ${MRZ_MAX_INPUT_CHARS}`);

  let lines = raw.map(cleanLine).filter((l) => l.length > 0);
  if (lines.length === 1) lines = splitRun(lines[0]!);
  if (lines.length === 0) return fail('MRZ_EMPTY', 'no MRZ characters');
  if (lines.length > 3) return fail('MRZ_LINE_COUNT', `${lines.length} lines, an MRZ has 1 to 3`);
  const lengths = lines.map((l) => l.length);
  if (!SHAPES.some((s) => s.length === lengths.length && s.every((w, i) => w === lengths[i]))) {
    return fail('MRZ_LINE_LENGTH', `line lengths ${lengths.join('/')} match no MRZ format`);
  }
  for (let i = 0; i < lines.length; i++) {
    // Printable ASCII passes (OCR marks unreadable characters with '?', which the parser
    // reports per field); anything else cannot be an MRZ character.
    const bad = lines[i]!.search(/[^\x21-\x7e]/u);
    if (bad >= 0) return fail('MRZ_BAD_CHARACTERS', `non-ASCII character on line ${i + 1} at column ${bad + 1}`);
  }
  return { ok: true, lines };
}
