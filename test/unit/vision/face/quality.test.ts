import { describe, expect, it } from 'vitest';
import { assessQuality, DEFAULT_QUALITY, poseMeasures } from '../../../../src/vision/face/quality.js';
import type { FaceDetection } from '../../../../src/vision/face/types.js';
import type { RgbImage } from '../../../../src/vision/image/rgb-image.js';

/** A face-sized patch: fine texture (edges) on mid-grey, or a flat/dark/bright variant. */
function image(kind: 'textured' | 'flat' | 'dark' | 'bright', size = 400): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 128;
      if (kind === 'textured') v = ((x >> 2) + (y >> 2)) % 2 ? 170 : 90;
      if (kind === 'dark') v = 3;
      if (kind === 'bright') v = 245;
      data.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  return { width: size, height: size, data };
}

/** A frontal face centred at (200, 200) with the given eye distance, yaw shift and roll. */
function face(eyeDist = 80, opts: { noseShift?: number; rollDeg?: number; noseDrop?: number } = {}): FaceDetection {
  const r = ((opts.rollDeg ?? 0) * Math.PI) / 180;
  const c = Math.cos(r);
  const s = Math.sin(r);
  const at = (dx: number, dy: number) => ({ x: 200 + dx * c - dy * s, y: 200 + dx * s + dy * c });
  const half = eyeDist / 2;
  return {
    box: { x: 200 - eyeDist * 1.1, y: 200 - eyeDist * 0.9, width: eyeDist * 2.2, height: eyeDist * 2.2 },
    score: 0.95,
    landmarks: {
      rightEye: at(-half, -eyeDist * 0.3),
      leftEye: at(half, -eyeDist * 0.3),
      nose: at((opts.noseShift ?? 0) * eyeDist, -eyeDist * 0.3 + (opts.noseDrop ?? 0.6) * eyeDist),
      mouth: at(0, eyeDist * 0.75),
    },
    detector: 'test',
  };
}

describe('quality gates', () => {
  it('passes a well-lit, sharp, frontal face of good size', () => {
    const q = assessQuality(image('textured'), face());
    expect(q.failures).toEqual([]);
    expect(q.pass).toBe(true);
    expect(q.score).toBeGreaterThan(0.5);
  });

  it('measures pose from the landmarks', () => {
    const p = poseMeasures(face(80, { noseShift: 0.3, rollDeg: 20 }));
    expect(p.yaw).toBeCloseTo(0.3, 5);
    expect(p.rollDeg).toBeCloseTo(20, 5);
    expect(p.pitch).toBeCloseTo(0.6, 5);
  });

  it('fails small faces and close-set eyes', () => {
    const q = assessQuality(image('textured'), face(12));
    expect(q.failures).toEqual(expect.arrayContaining(['face_too_small', 'eyes_too_close']));
    expect(q.score).toBe(0);
  });

  it('fails turned, tilted and nodding heads', () => {
    expect(assessQuality(image('textured'), face(80, { noseShift: 0.5 })).failures).toContain('pose_yaw');
    expect(assessQuality(image('textured'), face(80, { rollDeg: 50 })).failures).toContain('pose_roll');
    expect(assessQuality(image('textured'), face(80, { noseDrop: 1.5 })).failures).toContain('pose_pitch');
  });

  it('fails a blurred (featureless) face, a dark one and a burnt-out one', () => {
    expect(assessQuality(image('flat'), face()).failures).toEqual(['blurred']);
    expect(assessQuality(image('dark'), face()).failures).toEqual(expect.arrayContaining(['too_dark', 'clipped']));
    expect(assessQuality(image('bright'), face()).failures).toEqual(expect.arrayContaining(['too_bright']));
  });

  it('uses the configured thresholds', () => {
    expect(assessQuality(image('textured'), face(), { ...DEFAULT_QUALITY, minEyeDistancePx: 100 }).failures).toEqual(['eyes_too_close']);
  });
});
