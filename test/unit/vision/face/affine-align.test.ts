import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignmentTransform, templateFor, TEMPLATE_112 } from '../../../../src/vision/face/align.js';
import { applyAffine, estimateSimilarity, invertAffine, type Affine } from '../../../../src/vision/image/affine.js';
import { warpRgb } from '../../../../src/vision/image/warp.js';

const close = (a: number, b: number, eps = 1e-6) => expect(Math.abs(a - b)).toBeLessThan(eps);

function similarity(scale: number, angle: number, tx: number, ty: number): Affine {
  const c = scale * Math.cos(angle);
  const s = scale * Math.sin(angle);
  return [c, -s, tx, s, c, ty];
}

describe('similarity estimation', () => {
  it('recovers a known similarity transform from exact correspondences', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: -500, max: 500, noNaN: true }),
        (scale, angle, tx, ty) => {
          const truth = similarity(scale, angle, tx, ty);
          const src = TEMPLATE_112;
          const dst = src.map((p) => applyAffine(truth, p));
          const est = estimateSimilarity(src, dst);
          for (let k = 0; k < 6; k++) close(est[k]!, truth[k]!, 1e-6 * Math.max(1, Math.abs(truth[k]!)));
        },
      ),
    );
  });

  it('is the least-squares fit under noise (residual no larger than the truth)', () => {
    const truth = similarity(2, 0.3, 40, -10);
    const noise = [0.5, -0.3, 0.2, 0.4, -0.6, 0.1, -0.2, 0.3, 0.5, -0.4];
    const dst = TEMPLATE_112.map((p, i) => {
      const q = applyAffine(truth, p);
      return { x: q.x + noise[i * 2]!, y: q.y + noise[i * 2 + 1]! };
    });
    const residual = (m: Affine) => TEMPLATE_112.reduce((s, p, i) => s + (applyAffine(m, p).x - dst[i]!.x) ** 2 + (applyAffine(m, p).y - dst[i]!.y) ** 2, 0);
    expect(residual(estimateSimilarity(TEMPLATE_112, dst))).toBeLessThanOrEqual(residual(truth));
  });

  it('inverts maps and refuses degenerate input', () => {
    const m = similarity(1.7, -0.8, 12, 99);
    const p = { x: 3, y: -4 };
    const back = applyAffine(invertAffine(m), applyAffine(m, p));
    close(back.x, p.x);
    close(back.y, p.y);
    expect(() => estimateSimilarity([{ x: 1, y: 1 }], [{ x: 2, y: 2 }])).toThrow(/two or more/);
    expect(() => estimateSimilarity([{ x: 1, y: 1 }, { x: 1, y: 1 }], [{ x: 0, y: 0 }, { x: 3, y: 3 }])).toThrow(/coincide/);
  });
});

describe('five-point alignment', () => {
  it('maps the landmarks of a rotated, scaled face onto the template of the crop', () => {
    const faceToImage = similarity(3.1, 0.4, 500, 200);
    const t = templateFor(224, 0.85);
    const lm = {
      rightEye: applyAffine(faceToImage, t[0]!),
      leftEye: applyAffine(faceToImage, t[1]!),
      nose: applyAffine(faceToImage, t[2]!),
      rightMouth: applyAffine(faceToImage, t[3]!),
      leftMouth: applyAffine(faceToImage, t[4]!),
    };
    for (const points of ['five', 'eyes'] as const) {
      const cropToImage = alignmentTransform(lm, { size: 224, zoom: 0.85, points });
      for (let k = 0; k < 5; k++) {
        const p = applyAffine(cropToImage, t[k]!);
        const q = [lm.rightEye, lm.leftEye, lm.nose, lm.rightMouth, lm.leftMouth][k]!;
        close(p.x, q.x, 1e-6);
        close(p.y, q.y, 1e-6);
      }
    }
  });

  it('warps pixels to where the transform says (a bright dot lands on its template position)', () => {
    const w = 64;
    const data = new Uint8Array(w * w * 3);
    const dot = { x: 40, y: 20 };
    for (let c = 0; c < 3; c++) data[(dot.y * w + dot.x) * 3 + c] = 255;
    // Crop pixel centres map back to the image: sample the crop where the dot should land.
    const m = similarity(0.5, 0, 10, 5); // crop -> image
    const out = warpRgb({ width: w, height: w, data }, m, 64, 64);
    const inv = invertAffine(m);
    const landing = applyAffine(inv, { x: dot.x + 0.5, y: dot.y + 0.5 });
    let best = { v: -1, x: 0, y: 0 };
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (out[(y * 64 + x) * 3]! > best.v) best = { v: out[(y * 64 + x) * 3]!, x, y };
    expect(Math.abs(best.x + 0.5 - landing.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(best.y + 0.5 - landing.y)).toBeLessThanOrEqual(1);
  });

  it('keeps a large shrink from aliasing: a fine checkerboard averages to mid-grey', () => {
    const w = 400;
    const data = new Uint8Array(w * w * 3);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) data.fill((x + y) % 2 ? 255 : 0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const out = warpRgb({ width: w, height: w, data }, [w / 40, 0, 0, 0, w / 40, 0], 40, 40);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i]! - 127.5)).toBeLessThan(20);
  });
});
