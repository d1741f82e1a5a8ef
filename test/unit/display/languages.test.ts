import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseLanguages, DISPLAY_LANGS, languageForNationality } from '../../../src/display/languages.js';

describe('languageForNationality', () => {
  it('maps the two neighbours to their language and everyone else to English', () => {
    expect(languageForNationality('VNM')).toBe('vi');
    expect(languageForNationality('CHN')).toBe('zh');
    expect(languageForNationality('GBR')).toBe('en');
    expect(languageForNationality('LAO')).toBe('en');
    expect(languageForNationality('UTO')).toBe('en');
  });

  it('accepts codes as an MRZ gives them: lower case, filler-padded, one-letter Germany', () => {
    expect(languageForNationality('vnm')).toBe('vi');
    expect(languageForNationality(' chn ')).toBe('zh');
    expect(languageForNationality('D<<')).toBe('en');
  });

  it('treats anything that is not a 1-3 letter code as unknown', () => {
    for (const bad of ['', '<<<', 'VN1', 'VIETNAM', '中国', 'V N', null, undefined]) {
      expect(languageForNationality(bad)).toBeNull();
    }
    expect(languageForNationality(42 as unknown as string)).toBeNull();
  });
});

describe('chooseLanguages', () => {
  const MONG_CAI = ['vi', 'zh', 'en'];

  it("keeps the lane's order when the nationality is unknown", () => {
    expect(chooseLanguages(MONG_CAI)).toEqual(['vi', 'zh', 'en']);
    expect(chooseLanguages(MONG_CAI, null)).toEqual(['vi', 'zh', 'en']);
    expect(chooseLanguages(MONG_CAI, '???')).toEqual(['vi', 'zh', 'en']);
  });

  it("puts the holder's language first", () => {
    expect(chooseLanguages(MONG_CAI, 'CHN')).toEqual(['zh', 'vi', 'en']);
    expect(chooseLanguages(MONG_CAI, 'VNM')).toEqual(['vi', 'zh', 'en']);
    expect(chooseLanguages(MONG_CAI, 'FRA')).toEqual(['en', 'vi', 'zh']);
  });

  it("adds the holder's language when the lane was configured without it", () => {
    expect(chooseLanguages(['vi', 'en'], 'CHN')).toEqual(['zh', 'vi', 'en']);
  });

  it('drops duplicates and unknown entries, and never returns an empty list', () => {
    expect(chooseLanguages(['en', 'en', 'fr', 'vi'])).toEqual(['en', 'vi']);
    expect(chooseLanguages([])).toEqual([...DISPLAY_LANGS]);
    expect(chooseLanguages(['fr'], 'CHN')).toEqual(['zh', 'vi', 'en']);
  });

  it('always gives a non-empty list of distinct display languages, holder first when known', () => {
    const lane = fc.array(fc.oneof(fc.constantFrom(...DISPLAY_LANGS), fc.string()), { maxLength: 6 });
    const nationality = fc.option(fc.oneof(fc.constantFrom('VNM', 'CHN', 'USA', 'D<<'), fc.string({ maxLength: 4 })));
    fc.assert(
      fc.property(lane, nationality, (configured, nat) => {
        const out = chooseLanguages(configured, nat);
        expect(out.length).toBeGreaterThan(0);
        expect(new Set(out).size).toBe(out.length);
        for (const l of out) expect(DISPLAY_LANGS).toContain(l);
        const holder = languageForNationality(nat);
        if (holder !== null) expect(out[0]).toBe(holder);
        // Every valid configured language survives.
        for (const l of configured) if ((DISPLAY_LANGS as readonly string[]).includes(l)) expect(out).toContain(l);
      }),
    );
  });
});
