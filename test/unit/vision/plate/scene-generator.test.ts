import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { canonicalisePlate } from '../../../../src/credentials/plates/canonical-plate.js';
import { quadBounds } from '../../../../src/vision/plate/quad.js';
import { PLATE_STYLES, randomPlate } from '../../../../src/vision/scenes/random-plates.js';
import { generateScene } from '../../../../src/vision/scenes/scene-generator.js';
import { SeededRandom } from '../../../../src/vision/scenes/seeded-random.js';

describe('synthetic scenes', () => {
  it('draws only plates the grammars accept, in every style', () => {
    const rng = new SeededRandom(7);
    for (const style of PLATE_STYLES) {
      for (let i = 0; i < 50; i++) {
        const p = randomPlate(rng, style);
        const c = canonicalisePlate(p.rows.join(' '), { country: p.country });
        expect(c.ok && c.compact).toBe(p.compact);
        expect(p.rows.length).toBe(style === 'vn-car-long' || style === 'cn-blue' ? 1 : 2);
      }
    }
  });

  it('is deterministic per seed and places the plate inside a 1280x720 JPEG frame', async () => {
    const a = await generateScene(11);
    const b = await generateScene(11);
    const c = await generateScene(12);
    expect(createHash('sha256').update(a.jpeg).digest('hex')).toBe(createHash('sha256').update(b.jpeg).digest('hex'));
    expect(a.plate).toEqual(b.plate);
    expect(c.jpeg.equals(a.jpeg)).toBe(false);
    const meta = await sharp(a.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1280, 720]);
    const box = quadBounds(a.plateQuad);
    expect(box.x0).toBeGreaterThan(0);
    expect(box.y0).toBeGreaterThan(0);
    expect(box.x1).toBeLessThan(1280);
    expect(box.y1).toBeLessThan(720);
    expect(box.x1 - box.x0).toBeCloseTo(a.conditions.plateWidthPx, -1.5);
  });

  it('varies the conditions: night and day, blur, noise', async () => {
    const scenes = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((s) => generateScene(s)));
    expect(new Set(scenes.map((s) => s.conditions.night)).size).toBe(2);
    expect(new Set(scenes.map((s) => s.plate.style)).size).toBeGreaterThanOrEqual(3);
    for (const s of scenes) {
      expect(s.conditions.blurSigma).toBeGreaterThan(0);
      expect(s.conditions.noiseSigma).toBeGreaterThan(0);
    }
  });
});
