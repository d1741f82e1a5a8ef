/**
 * Which languages the lane display shows, in which order. Pure: the lane runner and the tests call it
 * with the lane's configured list and, when a credential was read, the holder's nationality.
 */
export const DISPLAY_LANGS = ['vi', 'zh', 'en'] as const;
export type Lang = (typeof DISPLAY_LANGS)[number];

/** BCP 47 tags for the page's `lang` attributes: browsers pick CJK glyph variants from them. */
export const LANG_TAGS: Readonly<Record<Lang, string>> = { vi: 'vi', zh: 'zh-Hans', en: 'en' };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (DISPLAY_LANGS as readonly string[]).includes(value);
}

/**
 * ICAO 9303 nationality code -> the language the holder most likely reads. Only the two neighbours
 * of this border get their own language; everyone else gets English, the lingua franca of travel
 * documents. Codes arrive as read from an MRZ or a token: possibly lower case, possibly padded with
 * the MRZ filler `<` (Germany is `D<<`). Anything that is not 1-3 letters is "unknown" (null).
 */
export function languageForNationality(nationality: string | null | undefined): Lang | null {
  if (typeof nationality !== 'string') return null;
  const code = nationality.replace(/<+$/, '').trim().toUpperCase();
  if (!/^[A-Z]{1,3}$/.test(code)) return null;
  if (code === 'VNM') return 'vi';
  if (code === 'CHN') return 'zh';
  return 'en';
}

/**
 * The lane's languages (first = the lane's primary), with the holder's language moved to the front
 * when the nationality is known. If the lane was configured without that language it is still added:
 * an instruction the traveller cannot read is worse than one extra line. Duplicates and unknown entries
 * in the configured list are dropped; an empty result falls back to all display languages so the
 * screen is never blank.
 */
export function chooseLanguages(laneLanguages: readonly string[], nationality?: string | null): Lang[] {
  const configured: Lang[] = [];
  for (const lang of laneLanguages) if (isLang(lang) && !configured.includes(lang)) configured.push(lang);
  const base = configured.length > 0 ? configured : [...DISPLAY_LANGS];
  const holder = languageForNationality(nationality);
  if (holder === null) return base;
  return [holder, ...base.filter((l) => l !== holder)];
}
