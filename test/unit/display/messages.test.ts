import { describe, expect, it } from 'vitest';
import { DETAILS, SCREENS, type DisplayState } from '../../../src/display/display-state.js';
import { renderView } from '../../../src/display/display-view.js';
import { DISPLAY_LANGS } from '../../../src/display/languages.js';
import { DETAIL_MESSAGES, OFFLINE_MESSAGES, SCREEN_MESSAGES } from '../../../src/display/messages.js';

const HAN = /\p{Script=Han}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

/** Every string the display can show, with where it comes from, per language. */
function allStrings(): Array<{ where: string; lang: string; text: string | undefined }> {
  const out: Array<{ where: string; lang: string; text: string | undefined }> = [];
  for (const screen of SCREENS) {
    for (const lang of DISPLAY_LANGS) {
      const entry = SCREEN_MESSAGES[screen]?.[lang];
      out.push({ where: `screen ${screen} title`, lang, text: entry?.title });
      if (entry && 'hint' in entry) out.push({ where: `screen ${screen} hint`, lang, text: entry.hint });
    }
  }
  for (const detail of DETAILS) {
    for (const lang of DISPLAY_LANGS) out.push({ where: `detail ${detail}`, lang, text: DETAIL_MESSAGES[detail]?.[lang] });
  }
  for (const lang of DISPLAY_LANGS) {
    out.push({ where: 'offline title', lang, text: OFFLINE_MESSAGES[lang]?.title });
    out.push({ where: 'offline hint', lang, text: OFFLINE_MESSAGES[lang]?.hint });
  }
  return out;
}

describe('message catalogue', () => {
  it('has every screen and every detail in vi, zh and en, none empty or padded', () => {
    const problems = allStrings()
      .filter(({ text }) => typeof text !== 'string' || text.trim() === '' || text !== text.trim())
      .map(({ where, lang }) => `${where} [${lang}]`);
    expect(problems).toEqual([]);
  });

  it('has no entry for a screen or detail that does not exist', () => {
    expect(Object.keys(SCREEN_MESSAGES).sort()).toEqual([...SCREENS].sort());
    expect(Object.keys(DETAIL_MESSAGES).sort()).toEqual([...DETAILS].sort());
  });

  it('writes each language in its own script', () => {
    for (const { where, lang, text = '' } of allStrings()) {
      const label = `${where} [${lang}]: ${text}`;
      if (lang === 'zh') {
        expect(HAN.test(text), label).toBe(true);
        expect(LATIN_LETTER.test(text), label).toBe(false);
      } else {
        expect(HAN.test(text), label).toBe(false);
      }
      if (lang === 'en') expect(/^[\x20-\x7e]+$/.test(text), label).toBe(true);
    }
  });

  it('stores Vietnamese precomposed (NFC), so diacritics render from the font and not stacked marks', () => {
    const vi = allStrings().filter((s) => s.lang === 'vi');
    for (const { where, text = '' } of vi) expect(text.normalize('NFC'), where).toBe(text);
    // The catalogue really uses Vietnamese diacritics (this check would pass vacuously on plain ASCII).
    expect(vi.some(({ text = '' }) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(text))).toBe(true);
  });

  it('keeps titles short enough for large type', () => {
    for (const screen of SCREENS) {
      for (const lang of DISPLAY_LANGS) {
        const { title } = SCREEN_MESSAGES[screen][lang];
        expect([...title].length, `${screen} [${lang}]`).toBeLessThanOrEqual(lang === 'zh' ? 12 : 30);
      }
    }
  });
});

describe('renderView', () => {
  const base: DisplayState = {
    lane: { id: 'p1', kind: 'people' },
    screen: 'denied',
    languages: ['zh', 'vi', 'en'],
    light: 'red',
    updatedAt: 1,
  };

  it('resolves the text in the state order, with tags for the page', () => {
    const view = renderView({ ...base, detail: 'credential-expired' });
    expect(view.blocks.map((b) => [b.lang, b.tag])).toEqual([
      ['zh', 'zh-Hans'],
      ['vi', 'vi'],
      ['en', 'en'],
    ]);
    expect(view.blocks[0]).toMatchObject({ title: '无法通行', hint: '请前往人工通道办理', detail: '证件已过期' });
    expect(view.blocks[2]).toMatchObject({ title: 'Passage not permitted', detail: 'Your pass has expired' });
  });

  it('omits hint and detail when the screen has none', () => {
    const view = renderView({ ...base, screen: 'wait-officer', languages: ['en'] });
    expect(view.blocks).toEqual([{ lang: 'en', tag: 'en', title: 'Please wait for an officer' }]);
  });

  it('copies the state, so a later change cannot alter a view already sent', () => {
    const state = { ...base, languages: [...base.languages] };
    const view = renderView(state);
    state.languages.push('en');
    expect(view.state.languages).toEqual(['zh', 'vi', 'en']);
  });
});
