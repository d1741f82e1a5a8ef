/**
 * ICAO 9303 check digit: weights 7, 3, 1 repeating; digits count as themselves, A-Z as 10-35,
 * the filler `<` as 0. Returns undefined for characters outside that alphabet.
 */
export function mrzCheckDigit(text: string): number | undefined {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let v: number;
    if (c >= 48 && c <= 57) v = c - 48;
    else if (c >= 65 && c <= 90) v = c - 55;
    else if (c === 60) v = 0;
    else return undefined;
    sum += v * weights[i % 3]!;
  }
  return sum % 10;
}

/** Whether `digit` (one character) is the check digit of `text`; `expected` is the right digit. */
export function verifyMrzCheckDigit(text: string, digit: string): { valid: boolean; expected: number | undefined } {
  const expected = mrzCheckDigit(text);
  return { valid: expected !== undefined && digit.length === 1 && String(expected) === digit, expected };
}
