import type { DisplayState } from './display-state.js';
import { LANG_TAGS, type Lang } from './languages.js';
import { DETAIL_MESSAGES, SCREEN_MESSAGES } from './messages.js';

/** One language's lines on the screen, already resolved from the catalogue. */
export interface LanguageBlock {
  lang: Lang;
  /** BCP 47 tag for the element's `lang` attribute. */
  tag: string;
  title: string;
  hint?: string;
  detail?: string;
}

/**
 * What /state returns and /events pushes: the typed state plus its text in display order. The server
 * resolves the text so the page stays a dumb renderer and the catalogue lives in one place.
 */
export interface DisplayView {
  state: DisplayState;
  blocks: LanguageBlock[];
}

export function renderView(state: DisplayState): DisplayView {
  const blocks = state.languages.map((lang): LanguageBlock => {
    const text = SCREEN_MESSAGES[state.screen][lang];
    const block: LanguageBlock = { lang, tag: LANG_TAGS[lang], title: text.title };
    if (text.hint !== undefined) block.hint = text.hint;
    if (state.detail !== undefined) block.detail = DETAIL_MESSAGES[state.detail][lang];
    return block;
  });
  return { state: structuredClone(state), blocks };
}
