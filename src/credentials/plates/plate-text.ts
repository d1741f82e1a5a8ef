/**
 * First pass over plate text from OCR, an operator or a list: fold width and case, map the
 * Vietnamese Đ to D (plates print Đ, OCR and keyboards give either), and split the characters
 * from the separators, remembering where separators and row breaks were: they decide between
 * layouts that share the same characters (a 4-digit motorbike plate and a car plate).
 */
export const CN_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
export const CN_SUFFIXES = '港澳挂学警';
const CJK_ALLOWED = new Set([...CN_PROVINCES, ...CN_SUFFIXES]);
const SEPARATORS = /[\s\-.·•・|/_:,]/u;

/** Plate text longer than this is not a plate (two rows with separators fit in 20). */
export const PLATE_MAX_INPUT_CHARS = 32;

export interface PlateText {
  /** Letters, digits and the Chinese province/suffix characters, nothing else. */
  compact: string;
  /** Indices into `compact` that had a separator or row break just before them. */
  separatorsBefore: ReadonlySet<number>;
  /** Position of the first character that is neither plate character nor separator, or -1. */
  badCharacterAt: number;
}

function foldChar(ch: string): string {
  if (ch === 'Đ' || ch === 'đ') return 'D';
  return ch.normalize('NFKC').toUpperCase();
}

export function splitPlateText(text: string): PlateText {
  let compact = '';
  const separatorsBefore = new Set<number>();
  let pendingSeparator = false;
  let badCharacterAt = -1;
  let index = 0;
  for (const raw of text) {
    const folded = foldChar(raw);
    for (const ch of folded) {
      if (/^[A-Z0-9]$/u.test(ch) || CJK_ALLOWED.has(ch)) {
        if (pendingSeparator && compact.length > 0) separatorsBefore.add(compact.length);
        pendingSeparator = false;
        compact += ch;
      } else if (SEPARATORS.test(ch)) {
        pendingSeparator = true;
      } else if (badCharacterAt < 0) {
        badCharacterAt = index;
      }
    }
    index++;
  }
  return { compact, separatorsBefore, badCharacterAt };
}

/** Lenient key for fuzzy lookups of OCR output that may not fit any grammar. */
export function plateQueryKey(text: string): string {
  return splitPlateText(text.slice(0, PLATE_MAX_INPUT_CHARS * 2)).compact;
}
