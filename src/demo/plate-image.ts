import { renameSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { plateSize, plateSvg } from '../vision/scenes/plate-svg.js';
import type { PlateSpec } from '../vision/scenes/random-plates.js';
import { SeededRandom } from '../vision/scenes/seeded-random.js';
import { vehicleScene } from '../vision/scenes/vehicle-svg.js';

/**
 * Frames for the demo's vehicle camera, rendered here (nothing is downloaded): a vehicle from
 * src/vision/scenes with the given plate on its bumper, seen slightly from the side (an affine skew and
 * roll, a few degrees), with blur, sensor noise and JPEG compression; or the empty lane. Daylight and
 * moderate angles on purpose: the demo shows the lane working, the plate benchmarks measure the hard cases.
 */
const WIDTH = 960;
const HEIGHT = 540;

export async function renderVehicleFrame(plate: PlateSpec, seed: number): Promise<Buffer> {
  const rng = new SeededRandom(seed);
  const layout = vehicleScene(rng, plate.style, WIDTH, HEIGHT, false);
  const plateWidth = Math.min(240, layout.maxPlateWidth * 1.1);
  const size = plateSize(plate.style, plateWidth);
  const roll = (rng.range(-4, 4) * Math.PI) / 180;
  const shear = rng.range(-0.08, 0.08);
  const art = await sharp(Buffer.from(plateSvg(plate, size.width)))
    .ensureAlpha()
    .affine([[Math.cos(roll), -Math.sin(roll) + shear], [Math.sin(roll), Math.cos(roll)]], { background: { r: 0, g: 0, b: 0, alpha: 0 }, interpolator: 'bilinear' })
    .png()
    .toBuffer({ resolveWithObject: true });
  const left = Math.round(layout.plateCentre.x - art.info.width / 2);
  const top = Math.round(layout.plateCentre.y - art.info.height / 2);
  const scene = await sharp(Buffer.from(layout.svg))
    .composite([{ input: art.data, left: Math.max(0, left), top: Math.max(0, top) }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = scene.data;
  const sigma = rng.range(1, 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(pixels[i]! + sigma * rng.gaussian())));
  return sharp(pixels, { raw: { width: scene.info.width, height: scene.info.height, channels: scene.info.channels } })
    .blur(rng.range(0.4, 0.9))
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** The lane with no vehicle in it: road, markings and the gate posts, nothing to read. */
export async function renderEmptyLane(): Promise<Buffer> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">` +
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#b9c4cc"/>` +
    `<rect y="${HEIGHT * 0.42}" width="${WIDTH}" height="${HEIGHT * 0.58}" fill="#5c5e61"/>` +
    `<rect x="${WIDTH * 0.04}" y="${HEIGHT * 0.1}" width="${WIDTH * 0.03}" height="${HEIGHT * 0.8}" fill="#8c8c84"/>` +
    `<rect x="${WIDTH * 0.93}" y="${HEIGHT * 0.1}" width="${WIDTH * 0.03}" height="${HEIGHT * 0.8}" fill="#8c8c84"/>` +
    `<polygon points="${WIDTH * 0.48},${HEIGHT} ${WIDTH * 0.52},${HEIGHT} ${WIDTH * 0.505},${HEIGHT * 0.42} ${WIDTH * 0.495},${HEIGHT * 0.42}" fill="#d8d8c8" opacity="0.6"/>` +
    `</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * Puts `jpeg` in front of the camera: written beside `file` and renamed over it, so the replay camera
 * (which re-reads its single file at every frame) never sees half a picture.
 */
export function showFrame(file: string, jpeg: Buffer): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, jpeg);
  renameSync(tmp, file);
}

/**
 * The demo vehicle camera: shows a vehicle's frame (rendered once per vehicle, then reused) or the
 * empty lane in the replay camera's single file. Shared by the demo orchestrator and the lane rig of
 * the benchmarks and end-to-end tests.
 */
export class PlateCamera {
  private readonly frames = new Map<string, Buffer>();

  constructor(private readonly file: string) {}

  async show(vehicle: { vehicleId: string; plate: PlateSpec } | null): Promise<{ showing: string; plate?: string }> {
    if (vehicle === null) {
      showFrame(this.file, await renderEmptyLane());
      return { showing: 'empty lane' };
    }
    let jpeg = this.frames.get(vehicle.vehicleId);
    if (jpeg === undefined) {
      // The vehicle id's digits seed the scene, so a vehicle looks the same every time it arrives.
      jpeg = await renderVehicleFrame(vehicle.plate, Number.parseInt(vehicle.vehicleId.replace(/\D/g, ''), 10) || 1);
      this.frames.set(vehicle.vehicleId, jpeg);
    }
    showFrame(this.file, jpeg);
    return { showing: vehicle.vehicleId, plate: vehicle.plate.rows.join(' ') };
  }
}
