import type { DisplayLane } from '../display-state.js';
import { LANG_TAGS, type Lang } from '../languages.js';
import { OFFLINE_MESSAGES } from '../messages.js';

export interface PageOptions {
  lane: DisplayLane;
  /** The lane's languages; the "display offline" notice uses them because no state may ever arrive. */
  languages: readonly Lang[];
  offlineAfterMs: number;
  reconnectMs: number;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * The page shell. Everything that changes arrives over /events and is rendered by /app.js; the shell
 * only carries what must show without the daemon: the offline notice and the lane's name. The lane
 * name comes from the config file, so it is escaped like any other text.
 */
export function renderPageHtml(opts: PageOptions): string {
  const primary = opts.languages[0] ?? 'en';
  const offlineBlocks = opts.languages
    .map((lang, index) => {
      const text = OFFLINE_MESSAGES[lang];
      const cls = index === 0 ? 'block primary' : 'block secondary';
      const hint = text.hint ? `<p class="hint">${escapeHtml(text.hint)}</p>` : '';
      return `<section class="${cls}" lang="${LANG_TAGS[lang]}" data-lang="${lang}"><p class="title">${escapeHtml(text.title)}</p>${hint}</section>`;
    })
    .join('\n      ');
  const laneLabel = escapeHtml(opts.lane.name ?? opts.lane.id);
  return `<!doctype html>
<html lang="${LANG_TAGS[primary]}">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${laneLabel}</title>
    <link rel="stylesheet" href="/app.css">
    <script src="/app.js" defer></script>
  </head>
  <body data-connection="connecting" data-light="off" data-offline-after-ms="${opts.offlineAfterMs}" data-reconnect-ms="${opts.reconnectMs}">
    <div class="light" id="light" aria-hidden="true"></div>
    <main class="screen" id="content" aria-live="assertive"></main>
    <div class="screen" id="offline" role="alert" hidden>
      ${offlineBlocks}
    </div>
    <footer id="lane">${laneLabel}</footer>
  </body>
</html>
`;
}
