import { CJK_FONT, LATIN_FONT } from './plate-svg.js';
import type { PlateStyle } from './random-plates.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * The scene around the plate, as SVG: a lane (wall or sky, road with markings) and the rear or
 * front of a vehicle-like body whose kind follows the plate style (car, truck, motorbike),
 * with a windscreen, lights, grille, bumper and wheels. Some vehicles carry other text (a
 * brand, a company name, a phone number) so the reader must tell plate text from the rest.
 * It is deliberately simple: what matters for detection is clutter, contrast and edges
 * around the plate, not photo-realism.
 */
export interface VehicleLayout {
  svg: string;
  /** Where the plate's centre goes and the plate width that fits the bumper. */
  plateCentre: { x: number; y: number };
  maxPlateWidth: number;
}

const BODY_COLOURS = ['#c8c8c8', '#f0f0f0', '#202226', '#8a1c1c', '#1d3f78', '#5b6167', '#d9d2c0', '#2f5a34', '#b0a089'];
const BRANDS = ['TOYOTA', 'HYUNDAI', 'KIA', 'HONDA', 'ISUZU', 'HOWO', 'VINFAST', 'MAZDA'];
const CJK_TEXT = ['广西运输', '东兴物流', '友谊关', '货运'];

function textEl(x: number, y: number, size: number, fill: string, text: string, cjk = false): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${cjk ? CJK_FONT : LATIN_FONT}" font-weight="bold" font-size="${size.toFixed(1)}" fill="${fill}" text-anchor="middle">${text}</text>`;
}

function lane(rng: SeededRandom, w: number, h: number, night: boolean): string {
  const sky = night ? '#0d1018' : rng.pick(['#9fb4c8', '#c9c9c4', '#7d8a96', '#b9c4cc']);
  const road = night ? '#1a1a1c' : rng.pick(['#55575a', '#6a6a66', '#4a4c50']);
  const horizon = h * rng.range(0.35, 0.5);
  let s = `<rect width="${w}" height="${h}" fill="${sky}"/>`;
  s += `<rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${road}"/>`;
  for (let i = 0; i < 3; i++) {
    const x = w * (0.15 + 0.35 * i) + rng.range(-30, 30);
    s += `<polygon points="${x},${h} ${x + 18},${h} ${x + 60},${horizon} ${x + 56},${horizon}" fill="#d8d8c8" opacity="0.55"/>`;
  }
  // Gate structure: posts and a beam, lane clutter with strong vertical edges.
  s += `<rect x="${w * 0.04}" y="${h * 0.1}" width="${w * 0.03}" height="${h * 0.8}" fill="#8c8c84"/>`;
  s += `<rect x="${w * 0.93}" y="${h * 0.1}" width="${w * 0.03}" height="${h * 0.8}" fill="#8c8c84"/>`;
  s += `<rect x="${w * 0.04}" y="${h * 0.08}" width="${w * 0.92}" height="${h * 0.04}" fill="#b8b23a"/>`;
  return s;
}

function lights(cx: number, cy: number, rx: number, ry: number, colour: string, night: boolean): string {
  const glow = night ? `<ellipse cx="${cx}" cy="${cy}" rx="${rx * 2.6}" ry="${ry * 2.6}" fill="${colour}" opacity="0.35"/>` : '';
  return `${glow}<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="${night ? '#fffbe8' : colour}"/>`;
}

function car(rng: SeededRandom, w: number, h: number, night: boolean, truck: boolean): VehicleLayout {
  const cx = w * rng.range(0.4, 0.6);
  const bw = w * (truck ? rng.range(0.55, 0.72) : rng.range(0.45, 0.6));
  const top = h * (truck ? rng.range(0.05, 0.12) : rng.range(0.2, 0.3));
  const bottom = h * rng.range(0.86, 0.94);
  const colour = rng.pick(BODY_COLOURS);
  const x0 = cx - bw / 2;
  // Gradients: real bodies and windscreens shade and reflect; flat fills read as one huge glyph.
  const shade = `<defs><linearGradient id="body" x1="0" y1="0" x2="0.3" y2="1"><stop offset="0" stop-color="${colour}"/><stop offset="0.55" stop-color="${colour}" stop-opacity="0.82"/><stop offset="1" stop-color="${colour}" stop-opacity="0.65"/></linearGradient>` +
    `<linearGradient id="glass" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${night ? '#10131a' : '#4a5a6c'}"/><stop offset="0.45" stop-color="${night ? '#05060a' : '#28323e'}"/><stop offset="0.6" stop-color="${night ? '#181b22' : '#6d7f90'}"/><stop offset="1" stop-color="${night ? '#05060a' : '#222a33'}"/></linearGradient></defs>`;
  let s = `${shade}<rect x="${x0 - bw * 0.04}" y="${bottom - h * 0.1}" width="${bw * 0.16}" height="${h * 0.14}" rx="8" fill="#111"/>`;
  s += `<rect x="${x0 + bw * 0.88}" y="${bottom - h * 0.1}" width="${bw * 0.16}" height="${h * 0.14}" rx="8" fill="#111"/>`;
  s += `<rect x="${x0}" y="${top}" width="${bw}" height="${bottom - top}" rx="${bw * 0.06}" fill="#101010"/>`;
  s += `<rect x="${x0}" y="${top}" width="${bw}" height="${bottom - top}" rx="${bw * 0.06}" fill="url(#body)"/>`;
  const glassBottom = top + (bottom - top) * (truck ? 0.38 : 0.42);
  s += `<polygon points="${x0 + bw * 0.1},${glassBottom} ${x0 + bw * 0.9},${glassBottom} ${x0 + bw * 0.82},${top + (bottom - top) * 0.06} ${x0 + bw * 0.18},${top + (bottom - top) * 0.06}" fill="url(#glass)"/>`;
  const lightY = glassBottom + (bottom - top) * 0.12;
  s += lights(x0 + bw * 0.13, lightY, bw * 0.07, bw * 0.03, truck ? '#e8e2c8' : '#f0eee0', night);
  s += lights(x0 + bw * 0.87, lightY, bw * 0.07, bw * 0.03, truck ? '#e8e2c8' : '#f0eee0', night);
  const grilleTop = lightY - bw * 0.03;
  const grilleH = (bottom - top) * 0.16;
  s += `<rect x="${cx - bw * 0.25}" y="${grilleTop}" width="${bw * 0.5}" height="${grilleH}" rx="6" fill="#17191c"/>`;
  for (let i = 1; i < 5; i++) s += `<rect x="${cx - bw * 0.24}" y="${grilleTop + (grilleH * i) / 5}" width="${bw * 0.48}" height="2" fill="#5a5e63"/>`;
  const bumperY = grilleTop + grilleH + (bottom - top) * 0.03;
  const bumperH = (bottom - top) * 0.2;
  s += `<rect x="${x0 + bw * 0.02}" y="${bumperY}" width="${bw * 0.96}" height="${bumperH}" rx="10" fill="${rng.pick(['#2b2d30', colour, '#45484c'])}"/>`;
  if (rng.next() < 0.6) s += textEl(cx, grilleTop + grilleH * 0.68, grilleH * 0.45, '#d0d0d0', rng.pick(BRANDS));
  if (truck && rng.next() < 0.7) {
    const panelY = top + (bottom - top) * 0.22;
    s += rng.next() < 0.5 ? textEl(cx, panelY, bw * 0.05, '#c01010', rng.pick(CJK_TEXT), true) : textEl(cx, panelY, bw * 0.045, '#101010', `0${rng.int(900, 989)} ${rng.int(100, 999)} ${rng.int(100, 999)}`);
  }
  return { svg: s, plateCentre: { x: cx + rng.range(-bw * 0.08, bw * 0.08), y: bumperY + bumperH * 0.5 }, maxPlateWidth: bw * 0.5 };
}

function motorbike(rng: SeededRandom, w: number, h: number, night: boolean): VehicleLayout {
  const cx = w * rng.range(0.4, 0.6);
  const bw = w * rng.range(0.16, 0.22);
  const top = h * rng.range(0.12, 0.2);
  const bottom = h * rng.range(0.88, 0.95);
  let s = `<rect x="${cx - bw * 0.12}" y="${bottom - h * 0.2}" width="${bw * 0.24}" height="${h * 0.22}" rx="12" fill="#101010"/>`;
  // Rider (dark silhouette) and the rear of the bike.
  s += `<ellipse cx="${cx}" cy="${top + h * 0.06}" rx="${bw * 0.22}" ry="${h * 0.07}" fill="${rng.pick(['#1c1c1c', '#d0d0d0', '#8a1c1c'])}"/>`;
  s += `<rect x="${cx - bw * 0.45}" y="${top + h * 0.12}" width="${bw * 0.9}" height="${h * 0.3}" rx="30" fill="${rng.pick(['#2a3a5a', '#3c3c3c', '#6a5a3a', '#5a1a1a'])}"/>`;
  const body = rng.pick(BODY_COLOURS);
  const rearTop = top + h * 0.4;
  s += `<rect x="${cx - bw * 0.5}" y="${rearTop}" width="${bw}" height="${h * 0.2}" rx="20" fill="${body}"/>`;
  s += lights(cx, rearTop + h * 0.05, bw * 0.18, h * 0.025, '#d01818', night);
  const plateY = rearTop + h * 0.2 + h * 0.08;
  return { svg: s, plateCentre: { x: cx + rng.range(-bw * 0.05, bw * 0.05), y: plateY }, maxPlateWidth: bw * 0.9 };
}

export function vehicleScene(rng: SeededRandom, style: PlateStyle, width: number, height: number, night: boolean): VehicleLayout {
  const layout = style === 'vn-moto' ? motorbike(rng, width, height, night) : car(rng, width, height, night, style === 'cn-yellow-two-row' || rng.next() < 0.2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${lane(rng, width, height, night)}${layout.svg}</svg>`;
  return { ...layout, svg };
}
