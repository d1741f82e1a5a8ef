/**
 * The page's stylesheet, served as /app.css (the Content-Security-Policy forbids inline styles).
 * Sized in viewport units so the same page works on whatever screen the lane has; the primary title
 * is about 1/8 of the screen height, readable at 2 m and more. White on black for contrast in a bright
 * hall; the light bar is a solid block of colour, readable by colour alone and by position.
 */
export const PAGE_CSS = `
*, *::before, *::after { box-sizing: border-box; margin: 0; padding: 0; }
html, body { height: 100%; background: #000; color: #fff; }
body {
  display: flex;
  flex-direction: column;
  overflow: hidden;
  font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif;
  line-height: 1.2;
}
:lang(vi) { font-family: "Noto Sans", "DejaVu Sans", sans-serif; }
:lang(zh) { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif; }
[hidden] { display: none !important; }

.light { flex: 0 0 10vh; background: #333; }
body[data-light="red"] .light { background: #e00000; }
body[data-light="green"] .light { background: #00b050; }
body[data-connection="offline"] .light,
body[data-connection="connecting"] .light { background: #333; }

.screen {
  flex: 1 1 auto;
  min-height: 0;
  overflow: hidden;
  display: flex;
  flex-direction: column;
  justify-content: center;
  gap: 2.5vh;
  padding: 2.5vh 5vw;
}
.block { display: flex; flex-direction: column; gap: 1vh; }
.title { font-weight: 700; }
.primary .title { font-size: min(7.5vw, 13vh); }
.primary .hint, .primary .detail { font-size: min(3.8vw, 6.5vh); }
.secondary { border-top: 0.3vh solid #666; padding-top: 1.5vh; gap: 0.5vh; }
.secondary .title { font-size: min(3.4vw, 6vh); }
.secondary .hint, .secondary .detail { font-size: min(2.3vw, 4vh); color: #e6e6e6; }
/* Amber, not red: the reason is information, the bar already says stop. */
.detail, .secondary .detail { color: #ffd84d; }

footer { flex: 0 0 auto; padding: 1vh 5vw 2vh; font-size: min(1.6vw, 3vh); color: #b3b3b3; }
`;
