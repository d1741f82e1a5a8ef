import type { Page } from 'playwright-core';

/**
 * Tofu detection that can actually fail. A character no installed font covers is drawn as the
 * primary font's .notdef glyph: the SAME box for every such character (or nothing at all). So we draw
 * each distinct character of a text alone on a canvas, in the font stack the page uses for that
 * language, and fingerprint the pixels. Real glyphs give as many different fingerprints as there are
 * different characters, each with ink; tofu collapses them into one, or leaves them blank.
 *
 * The check is validated in the same run on characters no font has (plane-15 private use): they must
 * come out flagged, which shows this browser draws missing glyphs in a way the check can see.
 */
export interface GlyphPrint {
  ch: string;
  hash: string;
  ink: number;
}

// Runs in the page. A string, because the test tsconfig has no DOM types.
const DRAW_GLYPHS = `(args) => {
  const canvas = document.createElement('canvas');
  canvas.width = 112;
  canvas.height = 112;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const out = [];
  for (const ch of args.chars) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = '64px ' + args.fontFamily;
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#000';
    ctx.fillText(ch, 16, 56);
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261;
    let ink = 0;
    for (let i = 3; i < data.length; i += 4) {
      hash = Math.imul(hash ^ data[i], 16777619);
      if (data[i] > 0) ink += 1;
    }
    out.push({ ch, hash: (hash >>> 0).toString(16), ink });
  }
  return out;
}`;

export async function drawGlyphs(page: Page, chars: readonly string[], fontFamily: string): Promise<GlyphPrint[]> {
  return (await page.evaluate(`(${DRAW_GLYPHS})(${JSON.stringify({ chars, fontFamily })})`)) as GlyphPrint[];
}

/** Distinct letters of a text (spaces and punctuation carry no glyph worth checking). */
export function distinctLetters(text: string): string[] {
  return [...new Set([...text.normalize('NFC')].filter((c) => /\p{L}/u.test(c)))];
}

export interface TofuReport {
  blank: string[];
  /** Groups of different characters that rendered to identical pixels. */
  lookAlike: string[][];
}

export function findTofu(prints: readonly GlyphPrint[]): TofuReport {
  const byHash = new Map<string, string[]>();
  for (const p of prints) byHash.set(p.hash, [...(byHash.get(p.hash) ?? []), p.ch]);
  return {
    blank: prints.filter((p) => p.ink === 0).map((p) => p.ch),
    lookAlike: [...byHash.values()].filter((group) => group.length > 1),
  };
}

export function hasTofu(report: TofuReport): boolean {
  return report.blank.length > 0 || report.lookAlike.length > 0;
}
