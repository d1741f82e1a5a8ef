export * from './display-state.js';
export { displaySectionSchema, type DisplaySection } from './display-config.js';
export { renderView, type DisplayView, type LanguageBlock } from './display-view.js';
export { chooseLanguages, DISPLAY_LANGS, languageForNationality, LANG_TAGS, isLang, type Lang } from './languages.js';
export { DISPLAY_DEFAULTS, LaneDisplayServer, type LaneDisplayServerOptions } from './lane-display-server.js';
export { DETAIL_MESSAGES, OFFLINE_MESSAGES, SCREEN_MESSAGES, type ScreenText } from './messages.js';
export { detailForReasons, REASON_DETAILS } from './reason-details.js';
