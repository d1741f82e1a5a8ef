import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RgbImage } from '../../src/vision/image/rgb-image.js';
import { packageRootFrom } from '../../src/vision/models/paths.js';

/** ../shared/fixtures (or $LANE_FIXTURES) relative to the project root. */
export function fixturesDir(): string {
  return process.env.LANE_FIXTURES ?? join(packageRootFrom(), '..', 'shared', 'fixtures');
}

/**
 * Lane-like frames: the first `count` single-face fixture photos, one per identity where
 * possible, each fitted into a 1280x720 frame (grey borders), as a lane camera would deliver.
 */
export async function laneFrames(count: number): Promise<Array<{ file: string; frame: RgbImage; jpeg: Buffer }>> {
  const dir = join(fixturesDir(), 'faces');
  const labels = join(dir, 'labels.tsv');
  if (!existsSync(labels)) return [];
  const rows = readFileSync(labels, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const singles = rows.filter((r) => r[2] === 'single');
  const seen = new Set<string>();
  const picked = [...singles.filter((r) => !seen.has(r[1]!) && seen.add(r[1]!)), ...singles].slice(0, count);
  const out = [];
  for (const r of picked) {
    const { data, info } = await sharp(join(dir, r[0]!))
      .rotate()
      .resize(1280, 720, { fit: 'contain', background: '#808080' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frame = { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    out.push({ file: r[0]!, frame, jpeg });
  }
  return out;
}
