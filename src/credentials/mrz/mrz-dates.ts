/**
 * MRZ dates are YYMMDD with `<` for unknown parts. The mrz package checks ranges (month 1-12,
 * day 1-31) but not the calendar, so 310231 passes there; this check catches impossible dates.
 */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isPossibleMrzDate(yymmdd: string): boolean {
  if (!/^[0-9<]{6}$/u.test(yymmdd)) return false;
  const yy = yymmdd.slice(0, 2);
  const mm = yymmdd.slice(2, 4);
  const dd = yymmdd.slice(4, 6);
  if (mm === '<<') return dd === '<<' || (Number(dd) >= 1 && Number(dd) <= 31);
  const month = Number(mm);
  if (!Number.isInteger(month) || month < 1 || month > 12) return false;
  if (dd === '<<') return true;
  const day = Number(dd);
  if (!Number.isInteger(day) || day < 1) return false;
  if (month === 2 && day === 29) {
    // Century unknown: 29 February exists in 19YY or 20YY only when YY is a multiple of 4
    // (2000 was a leap year), and an unknown year does not rule it out.
    return yy === '<<' || Number(yy) % 4 === 0;
  }
  return day <= DAYS_IN_MONTH[month - 1]!;
}

/**
 * Full year for an MRZ date. Expiry dates are taken in 20YY; birth dates are placed in the
 * century that does not put them in the future relative to `nowMs` (from the injected clock).
 */
export function mrzYear(yy: number, kind: 'birth' | 'expiry', nowMs: number): number {
  if (kind === 'expiry') return 2000 + yy;
  const currentYear = new Date(nowMs).getUTCFullYear();
  const candidate = 2000 + yy;
  return candidate > currentYear ? 1900 + yy : candidate;
}
