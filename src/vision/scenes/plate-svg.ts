import type { PlateSpec, PlateStyle } from './random-plates.js';

/**
 * Plate artwork as SVG (rendered by sharp/librsvg): fixed-pitch characters the way plates are
 * stamped, each glyph stretched to the row height, in the physical proportions of each style.
 * Fonts: DejaVu Sans Condensed Bold for Latin (close to the Vietnamese plate face), Noto Sans
 * CJK SC for Chinese characters (Debian package fonts-noto-cjk).
 */
interface StyleGeometry {
  /** Physical size in mm (proportions only). */
  mm: [number, number];
  background: string;
  ink: string;
  /** Row bands as [top, bottom] fractions of the height, and the width share they may use. */
  rows: { band: [number, number]; widthShare: number }[];
}

const STYLES: Record<PlateStyle, StyleGeometry> = {
  'vn-car-long': { mm: [520, 110], background: '#f4f4f0', ink: '#111', rows: [{ band: [0.17, 0.83], widthShare: 0.9 }] },
  'vn-car-square': {
    mm: [330, 165],
    background: '#f4f4f0',
    ink: '#111',
    rows: [
      { band: [0.1, 0.45], widthShare: 0.55 },
      { band: [0.55, 0.9], widthShare: 0.85 },
    ],
  },
  'vn-moto': {
    mm: [190, 140],
    background: '#f4f4f0',
    ink: '#111',
    rows: [
      { band: [0.1, 0.45], widthShare: 0.8 },
      { band: [0.55, 0.9], widthShare: 0.85 },
    ],
  },
  'cn-blue': { mm: [440, 140], background: '#0a3fa8', ink: '#f6f6f6', rows: [{ band: [0.18, 0.82], widthShare: 0.92 }] },
  'cn-yellow-two-row': {
    mm: [440, 220],
    background: '#f2c21b',
    ink: '#111',
    rows: [
      { band: [0.08, 0.36], widthShare: 0.42 },
      { band: [0.44, 0.9], widthShare: 0.9 },
    ],
  },
};

export const LATIN_FONT = 'DejaVu Sans Condensed';
export const CJK_FONT = 'Noto Sans CJK SC';

const isSeparator = (ch: string): boolean => ch === '-' || ch === '.' || ch === '·';
const isCjk = (ch: string): boolean => /\p{Script=Han}/u.test(ch);

function escapeXml(ch: string): string {
  return ch.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Pixel size of a style rendered `width` px wide. */
export function plateSize(style: PlateStyle, width: number): { width: number; height: number } {
  const [w, h] = STYLES[style].mm;
  return { width: Math.round(width), height: Math.round((width * h) / w) };
}

/** The printed text area of a style, as fractions of the plate: the rows' bands and widths. */
export function textRegion(style: PlateStyle): { x0: number; y0: number; x1: number; y1: number } {
  const rows = STYLES[style].rows;
  const share = Math.max(...rows.map((r) => r.widthShare));
  return { x0: (1 - share) / 2, y0: Math.min(...rows.map((r) => r.band[0])), x1: (1 + share) / 2, y1: Math.max(...rows.map((r) => r.band[1])) };
}

function rowSvg(text: string, band: [number, number], widthShare: number, w: number, h: number, ink: string): string {
  const chars = [...text];
  const units = chars.reduce((n, ch) => n + (isSeparator(ch) ? 0.45 : 1), 0);
  const pitch = (w * widthShare) / units;
  const top = band[0] * h;
  const bottom = band[1] * h;
  const capHeight = bottom - top;
  let x = (w - w * widthShare) / 2;
  let out = '';
  for (const ch of chars) {
    const unit = isSeparator(ch) ? 0.45 : 1;
    const cx = x + (pitch * unit) / 2;
    x += pitch * unit;
    if (ch === '-') {
      out += `<rect x="${cx - pitch * 0.18}" y="${top + capHeight * 0.45}" width="${pitch * 0.36}" height="${capHeight * 0.1}" fill="${ink}"/>`;
      continue;
    }
    if (ch === '.' || ch === '·') {
      out += `<circle cx="${cx}" cy="${ch === '.' ? bottom - capHeight * 0.06 : top + capHeight / 2}" r="${capHeight * 0.06}" fill="${ink}"/>`;
      continue;
    }
    const cjk = isCjk(ch);
    // Font size from the pitch (glyph advance about 0.6 em Latin, 1 em CJK), then a vertical
    // stretch so the glyph fills the row like a stamped plate character.
    const fs = cjk ? pitch * 0.92 : pitch / 0.66;
    const glyphHeight = cjk ? fs * 0.88 : fs * 0.73;
    const sy = capHeight / glyphHeight;
    const baselineNudge = cjk ? fs * 0.1 : 0;
    out +=
      `<text transform="translate(${cx.toFixed(2)},${(bottom - baselineNudge * sy).toFixed(2)}) scale(1,${sy.toFixed(3)})" ` +
      `font-family="${cjk ? CJK_FONT : LATIN_FONT}" font-weight="bold" font-size="${fs.toFixed(2)}" fill="${ink}" text-anchor="middle">${escapeXml(ch)}</text>`;
  }
  return out;
}

/** SVG of the plate, `width` px wide (height from the style's proportions). */
export function plateSvg(spec: PlateSpec, width: number): string {
  const style = STYLES[spec.style];
  const { height } = plateSize(spec.style, width);
  const r = height * 0.06;
  const border = Math.max(2, height * 0.03);
  let body = `<rect width="${width}" height="${height}" rx="${r}" fill="${style.background}"/>`;
  body += `<rect x="${border}" y="${border}" width="${width - 2 * border}" height="${height - 2 * border}" rx="${r * 0.8}" fill="none" stroke="${style.ink}" stroke-width="${border * 0.8}"/>`;
  spec.rows.forEach((row, i) => {
    const layout = style.rows[Math.min(i, style.rows.length - 1)]!;
    body += rowSvg(row, layout.band, layout.widthShare, width, height, style.ink);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`;
}
