import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { squareToQuad, squareToQuadCoefficients, type Quad } from '../plate/quad.js';
import { plateSize, plateSvg, textRegion } from './plate-svg.js';
import { PLATE_STYLES, randomPlate, type PlateSpec, type PlateStyle } from './random-plates.js';
import { SeededRandom } from './seeded-random.js';
import { vehicleScene } from './vehicle-svg.js';

/**
 * SYNTHETIC vehicle frames with a known plate, for measuring plate detection on whole scenes:
 * the real fixtures hold tight crops only. A scene is a lane and a vehicle-like body drawn as
 * SVG, a rendered plate placed on the bumper under a random perspective (roll, yaw and pitch
 * of a camera above the lane), then blur, exposure, sensor noise (strong at night, with
 * headlight glare) and JPEG compression. Figures measured on these scenes say "synthetic".
 */
export interface SceneOptions {
  width?: number;
  height?: number;
  /** Plate styles to draw from (default all). */
  styles?: readonly PlateStyle[];
  /** Share of night scenes (default 0.35). */
  nightShare?: number;
}

export interface SceneConditions {
  night: boolean;
  blurSigma: number;
  noiseSigma: number;
  rollDeg: number;
  plateWidthPx: number;
  jpegQuality: number;
}

export interface SyntheticScene {
  seed: number;
  jpeg: Buffer;
  width: number;
  height: number;
  plate: PlateSpec;
  /** Where the plate is in the frame (corners clockwise from top-left). */
  plateQuad: Quad;
  /** Where its printed characters are (all rows): what a text detector should find. */
  textQuad: Quad;
  conditions: SceneConditions;
}

/**
 * Whether fontconfig knows a Chinese font (Debian: fonts-noto-cjk). Without one, province
 * characters render as empty boxes and Chinese scenes measure the font, not the reader.
 */
export function cjkFontInstalled(): boolean {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8', timeout: 5_000 }).trim().length > 0;
  } catch {
    return false;
  }
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function invert3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const k = 1 / det;
  return [A * k, -(b * i - c * h) * k, (b * f - c * e) * k, B * k, (a * i - c * g) * k, -(a * f - c * d) * k, C * k, -(a * h - b * g) * k, (a * e - b * d) * k];
}

/** Alpha-blends the RGBA `plate` into the RGB `scene` so the plate's corners land on `quad`. */
function composite(scene: Uint8Array, sw: number, sh: number, plate: Uint8Array, pw: number, ph: number, quad: Quad): void {
  const [a, b, c, d, e, f, g, h] = squareToQuadCoefficients(quad);
  const inv = invert3([a, b, c, d, e, f, g, h, 1]);
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(sw - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(sh - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const w = inv[6] * px + inv[7] * py + inv[8];
      const s = (inv[0] * px + inv[1] * py + inv[2]) / w;
      const t = (inv[3] * px + inv[4] * py + inv[5]) / w;
      if (s < 0 || s > 1 || t < 0 || t > 1) continue;
      const fx = Math.min(pw - 1.001, Math.max(0, s * pw - 0.5));
      const fy = Math.min(ph - 1.001, Math.max(0, t * ph - 0.5));
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      const ax = fx - ix;
      const ay = fy - iy;
      const o = (y * sw + x) * 3;
      const sample = (ch: number): number => {
        const p = (yy: number, xx: number): number => plate[(yy * pw + xx) * 4 + ch]!;
        return (p(iy, ix) * (1 - ax) + p(iy, ix + 1) * ax) * (1 - ay) + (p(iy + 1, ix) * (1 - ax) + p(iy + 1, ix + 1) * ax) * ay;
      };
      const alpha = sample(3) / 255;
      for (let ch = 0; ch < 3; ch++) scene[o + ch] = Math.round(scene[o + ch]! * (1 - alpha) + sample(ch) * alpha);
    }
  }
}

/** Corners of a plate of size w x h centred at (cx, cy) under roll, yaw and pitch. */
function perspectiveQuad(rng: SeededRandom, cx: number, cy: number, w: number, h: number): { quad: Quad; rollDeg: number } {
  const rollDeg = rng.range(-7, 7);
  const yaw = rng.range(0.86, 1.14); // right edge height relative to the left
  const pitch = rng.range(0.92, 1.04); // top edge width relative to the bottom
  const hl = h / 2;
  const hr = (h * yaw) / 2;
  const topHalf = (w * pitch) / 2;
  const bottomHalf = w / 2;
  const local = [
    [-topHalf, -hl],
    [topHalf, -hr],
    [bottomHalf, hr],
    [-bottomHalf, hl],
  ];
  const r = (rollDeg * Math.PI) / 180;
  const pts = local.map(([x, y]) => ({ x: cx + x! * Math.cos(r) - y! * Math.sin(r), y: cy + x! * Math.sin(r) + y! * Math.cos(r) }));
  return { quad: [pts[0]!, pts[1]!, pts[2]!, pts[3]!], rollDeg };
}

const PLATE_WIDTH_RANGE: Record<PlateStyle, [number, number]> = {
  'vn-car-long': [170, 300],
  'vn-car-square': [110, 190],
  'vn-moto': [90, 150],
  'cn-blue': [150, 270],
  'cn-yellow-two-row': [140, 240],
};

export async function generateScene(seed: number, options: SceneOptions = {}): Promise<SyntheticScene> {
  const rng = new SeededRandom(seed);
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const style = rng.pick(options.styles ?? PLATE_STYLES);
  const night = rng.next() < (options.nightShare ?? 0.35);
  const plate = randomPlate(rng, style);
  const vehicle = vehicleScene(rng, style, width, height, night);

  const [lo, hi] = PLATE_WIDTH_RANGE[style];
  const plateWidthPx = Math.min(rng.range(lo, hi) * (width / 1280), vehicle.maxPlateWidth * 1.2);
  const size = plateSize(style, plateWidthPx);
  // Rendered at twice the size it appears, then resampled into place.
  const art = await sharp(Buffer.from(plateSvg(plate, size.width * 2)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { quad, rollDeg } = perspectiveQuad(rng, vehicle.plateCentre.x, vehicle.plateCentre.y, size.width, size.height);

  const background = await sharp(Buffer.from(vehicle.svg)).removeAlpha().raw().toBuffer();
  const scene = new Uint8Array(background.buffer, background.byteOffset, background.length);
  composite(scene, width, height, new Uint8Array(art.data.buffer, art.data.byteOffset, art.data.length), art.info.width, art.info.height, quad);

  const gain = night ? rng.range(0.35, 0.6) : rng.range(0.85, 1.15);
  const noiseSigma = night ? rng.range(6, 14) : rng.range(1, 4);
  for (let i = 0; i < scene.length; i++) scene[i] = Math.max(0, Math.min(255, Math.round(scene[i]! * gain + noiseSigma * rng.gaussian())));
  const blurSigma = rng.range(0.3, 1.6);
  const jpegQuality = rng.int(65, 92);
  const jpeg = await sharp(scene, { raw: { width, height, channels: 3 } })
    .blur(blurSigma)
    .jpeg({ quality: jpegQuality })
    .toBuffer();
  const onPlate = squareToQuad(quad);
  const t = textRegion(style);
  const textQuad: Quad = [onPlate(t.x0, t.y0), onPlate(t.x1, t.y0), onPlate(t.x1, t.y1), onPlate(t.x0, t.y1)];
  return { seed, jpeg, width, height, plate, plateQuad: quad, textQuad, conditions: { night, blurSigma, noiseSigma, rollDeg, plateWidthPx, jpegQuality } };
}
