import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detail, Screen } from '../../../src/display/display-state.js';
import { LaneDisplayServer } from '../../../src/display/lane-display-server.js';
import { LANG_TAGS, type Lang } from '../../../src/display/languages.js';
import { DETAIL_MESSAGES, OFFLINE_MESSAGES, SCREEN_MESSAGES } from '../../../src/display/messages.js';
import { LogHub } from '../../../src/util/logger.js';
import { distinctLetters, drawGlyphs, findTofu, hasTofu } from './glyph-check.js';

/**
 * The lane page in a real browser: Debian's chromium driven by playwright-core. It checks what a
 * traveller would see: the text of each language arriving live over SSE, the light bar's colour,
 * type sizes, glyphs that are real letters rather than tofu boxes, and the "display offline" notice
 * when the daemon goes away, then recovery when it comes back.
 */
const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(import.meta.dirname, '..', '..', '..');
const SHOTS = join(ROOT, 'tmp', 'display');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`lane display e2e skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LANGUAGE_CASES: ReadonlyArray<{ lang: Lang; nationality: string; order: Lang[] }> = [
  { lang: 'vi', nationality: 'VNM', order: ['vi', 'zh', 'en'] },
  { lang: 'zh', nationality: 'CHN', order: ['zh', 'vi', 'en'] },
  { lang: 'en', nationality: 'GBR', order: ['en', 'vi', 'zh'] },
];

const OFFLINE_AFTER_MS = 1_500;

interface RenderedBlock {
  lang: string | null;
  tag: string | null;
  title: string | undefined;
  hint: string | undefined;
  /** Computed font size of the title, px. */
  size: number;
  /** Computed font-family of the title. */
  family: string;
}

// Runs in the page (a string: the test tsconfig has no DOM types).
const READ_BLOCKS = `[...document.querySelectorAll('#content section')].map((el) => {
  const title = el.querySelector('.title');
  const style = getComputedStyle(title);
  return {
    lang: el.getAttribute('data-lang'),
    tag: el.getAttribute('lang'),
    title: title.textContent,
    hint: el.querySelector('.hint')?.textContent,
    size: parseFloat(style.fontSize),
    family: style.fontFamily,
  };
})`;
const WAIT = { timeout: 10_000 };

let browser: Browser;
let page: Page;
let display: LaneDisplayServer;
let port: number;

function newDisplay(atPort: number): LaneDisplayServer {
  return new LaneDisplayServer({
    lane: { id: 'mc-p3', kind: 'people', name: 'Móng Cái · 芒街 · lane P3' },
    languages: ['vi', 'zh', 'en'],
    port: atPort,
    log: new LogHub({ level: 'silent' }).child('display'),
    heartbeatMs: 500,
    offlineAfterMs: OFFLINE_AFTER_MS,
    reconnectMs: 300,
  });
}

/**
 * Waits until the page's primary block shows `title` in `lang`. Selector-based on purpose: the page's
 * CSP forbids eval, which is what a string predicate for waitForFunction would need.
 */
async function waitForPrimary(lang: Lang, title: string): Promise<void> {
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator(`#content section.primary[data-lang="${lang}"]`).locator('.title', { hasText: exact }).waitFor(WAIT);
}

async function show(screen: Screen, nationality?: string, reason?: Detail): Promise<void> {
  const result = display.show(screen, { nationality, reason });
  expect(result.ok).toBe(true);
}

/** Mean colour of the light bar, read from the screenshot (not the DOM): what a camera would see. */
async function barColour(png: Buffer): Promise<[number, number, number]> {
  // stats() describes sharp's input, not the extracted region, so the region is cut out first.
  const region = await sharp(png).extract({ left: 20, top: 10, width: 200, height: 30 }).png().toBuffer();
  const stats = await sharp(region).stats();
  return [stats.channels[0]!.mean, stats.channels[1]!.mean, stats.channels[2]!.mean];
}

/** Spread of pixel values: a blank (or single-colour) page has none. */
async function pixelSpread(png: Buffer): Promise<number> {
  const stats = await sharp(png).stats();
  return Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
}

describe.skipIf(!haveChromium)(`lane display in headless Chromium (${CHROMIUM})`, () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    display = newDisplay(0);
    await display.start();
    port = display.port!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 });
    await page.goto(display.url!);
    await waitForPrimary('vi', SCREEN_MESSAGES.idle.vi.title);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await display?.stop();
  });

  it('runs its own script but refuses inline script (Content-Security-Policy in force)', async () => {
    // The page rendered through /app.js (beforeAll waited for it); now try what an injected string would.
    const ran = await page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true';
      document.head.appendChild(s);
      return window.__injected === true;
    })()`);
    expect(ran).toBe(false);
  });

  it('validates the tofu check itself: glyphs no font has are flagged', async () => {
    const missing = ['\u{F0001}', '\u{F0002}', '\u{F0003}'];
    expect(hasTofu(findTofu(await drawGlyphs(page, missing, '"Noto Sans CJK SC", sans-serif')))).toBe(true);
    // ...and letters that exist are not.
    expect(findTofu(await drawGlyphs(page, ['a', 'b', 'ơ', '中', '国'], '"Noto Sans CJK SC", sans-serif'))).toEqual({
      blank: [],
      lookAlike: [],
    });
  });

  for (const { lang, nationality, order } of LANGUAGE_CASES) {
    it(`shows ${lang} first for a ${nationality} holder, live, with real glyphs (screenshot)`, async () => {
      await show('scan-credential', nationality);
      const expected = SCREEN_MESSAGES['scan-credential'];
      await waitForPrimary(lang, expected[lang].title);

      const blocks = (await page.evaluate(READ_BLOCKS)) as RenderedBlock[];
      expect(blocks.map((b) => b.lang)).toEqual(order);
      expect(blocks.map((b) => b.tag)).toEqual(order.map((l) => LANG_TAGS[l]));
      expect(blocks.map((b) => b.title)).toEqual(order.map((l) => expected[l].title));
      expect(blocks.map((b) => b.hint)).toEqual(order.map((l) => expected[l].hint));
      // Primary big, the others clearly smaller; at 720 px high the primary title is >= 60 px.
      expect(blocks[0]!.size).toBeGreaterThanOrEqual(60);
      for (const other of blocks.slice(1)) expect(blocks[0]!.size).toBeGreaterThan(other.size * 1.8);
      expect(await page.locator('#content section.primary .title').isVisible()).toBe(true);
      expect(await page.locator('#offline').isVisible()).toBe(false);

      // Glyphs: every distinct letter of the primary title and hint draws as its own shape.
      const primary = blocks[0]!;
      const letters = distinctLetters(`${primary.title}${primary.hint}`);
      const report = findTofu(await drawGlyphs(page, letters, primary.family));
      expect(report, `${lang} glyphs in ${primary.family}`).toEqual({ blank: [], lookAlike: [] });

      const png = await page.screenshot({ path: join(SHOTS, `scan-credential-${lang}.png`) });
      expect(await pixelSpread(png)).toBeGreaterThan(20);
    });
  }

  it('renders each language with a font that covers it, without mixing in fallbacks', async () => {
    await show('wait-officer', 'CHN');
    await waitForPrimary('zh', SCREEN_MESSAGES['wait-officer'].zh.title);
    const cdp = await page.context().newCDPSession(page);
    try {
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      for (const lang of ['zh', 'vi', 'en'] as const) {
        const { nodeId } = await cdp.send('DOM.querySelector', {
          nodeId: root.nodeId,
          selector: `#content section[data-lang="${lang}"] .title`,
        });
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        const title = SCREEN_MESSAGES['wait-officer'][lang].title;
        const glyphs = fonts.reduce((n, f) => n + f.glyphCount, 0);
        expect(glyphs, `${lang}: ${JSON.stringify(fonts)}`).toBeGreaterThan(0);
        // Han has no ligatures: one glyph per character, all from the font reported. (Latin may
        // join "ffi" into one glyph, so the count is only compared for Chinese.)
        if (lang === 'zh') expect(glyphs, JSON.stringify(fonts)).toBe([...title].length);
        // One font for the whole line: a CJK font for Chinese (not a Latin font's boxes), and no
        // per-letter fallback in Vietnamese (diacritic letters from another font look broken).
        expect(fonts, `${lang}: ${JSON.stringify(fonts)}`).toHaveLength(1);
        if (lang === 'zh') expect(fonts[0]!.familyName).toMatch(/CJK|Han Sans|Noto Sans SC/);
      }
    } finally {
      await cdp.detach();
    }
  });

  it('shows the reason and turns the bar red for a refusal, green to proceed', async () => {
    await show('denied', 'CHN', 'credential-expired');
    await waitForPrimary('zh', SCREEN_MESSAGES.denied.zh.title);
    const details = await page.$$eval('#content section .detail', (els) => els.map((e) => e.textContent));
    expect(details).toEqual([
      DETAIL_MESSAGES['credential-expired'].zh,
      DETAIL_MESSAGES['credential-expired'].vi,
      DETAIL_MESSAGES['credential-expired'].en,
    ]);
    const denied = await page.screenshot({ path: join(SHOTS, 'denied-zh.png') });
    const [r, g] = await barColour(denied);
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(60);

    await show('proceed', 'VNM');
    await waitForPrimary('vi', SCREEN_MESSAGES.proceed.vi.title);
    expect(await page.locator('#content .detail').count()).toBe(0);
    const proceed = await page.screenshot({ path: join(SHOTS, 'proceed-vi.png') });
    const [r2, g2] = await barColour(proceed);
    expect(g2).toBeGreaterThan(140);
    expect(r2).toBeLessThan(60);
  });

  it('says "display offline" when the daemon goes away, and recovers when it returns', async () => {
    await show('proceed', 'GBR');
    await waitForPrimary('en', SCREEN_MESSAGES.proceed.en.title);
    await display.stop();

    await page.locator('body[data-connection="offline"]').waitFor({ state: 'attached', ...WAIT });
    expect(await page.locator('#offline').isVisible()).toBe(true);
    // The stale "Proceed" must not stay on screen.
    expect(await page.locator('#content').isVisible()).toBe(false);
    const offlineTitles = await page.$$eval('#offline section .title', (els) => els.map((e) => e.textContent));
    expect(offlineTitles).toEqual([OFFLINE_MESSAGES.vi.title, OFFLINE_MESSAGES.zh.title, OFFLINE_MESSAGES.en.title]);
    const png = await page.screenshot({ path: join(SHOTS, 'offline.png') });
    const [r, g, b] = await barColour(png);
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(10); // grey: neither red nor green

    // The daemon restarts on the same port; EventSource reconnects by itself.
    display = newDisplay(port);
    await display.start();
    display.show('scan-credential');
    await waitForPrimary('vi', SCREEN_MESSAGES['scan-credential'].vi.title);
    expect(await page.locator('#offline').isVisible()).toBe(false);
    expect(await page.getAttribute('body', 'data-connection')).toBe('online');
  });

  it('stays online on heartbeats alone while nothing changes', async () => {
    await show('idle');
    await waitForPrimary('vi', SCREEN_MESSAGES.idle.vi.title);
    const before = await page.getAttribute('body', 'data-updated-at');
    // Three offline periods with no state change: only the 500 ms heartbeat keeps the page online.
    await new Promise((r) => setTimeout(r, OFFLINE_AFTER_MS * 3));
    expect(await page.getAttribute('body', 'data-connection')).toBe('online');
    expect(await page.getAttribute('body', 'data-updated-at')).toBe(before);
  });
});
