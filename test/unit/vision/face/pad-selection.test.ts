import { describe, expect, it } from 'vitest';
import { motionEvidence } from '../../../../src/vision/face/motion.js';
import { combinePad } from '../../../../src/vision/face/pad.js';
import { selectFace } from '../../../../src/vision/face/selection.js';
import type { FaceDetection, FaceLandmarks } from '../../../../src/vision/face/types.js';

function landmarks(cx: number, cy: number, eye: number, mouthOpen = 0): FaceLandmarks {
  return {
    rightEye: { x: cx - eye / 2, y: cy },
    leftEye: { x: cx + eye / 2, y: cy },
    nose: { x: cx, y: cy + eye * 0.6 },
    mouth: { x: cx, y: cy + eye * (1.1 + mouthOpen) },
  };
}

function det(cx: number, cy: number, eye: number, score = 0.9): FaceDetection {
  return { box: { x: cx - eye, y: cy - eye, width: eye * 2, height: eye * 2 }, score, landmarks: landmarks(cx, cy, eye), detector: 'test' };
}

describe('multi-frame motion evidence', () => {
  it('flags a face that does not move at all over enough frames', () => {
    const track = Array.from({ length: 8 }, () => landmarks(640, 360, 70));
    const m = motionEvidence(track);
    expect(m.static).toBe(true);
    expect(m.travel).toBe(0);
  });

  it('sees rigid in-plane motion (a photo moved) as travel without deformation', () => {
    const track = Array.from({ length: 8 }, (_, k) => landmarks(640 + k * 6, 360 + k * 2, 70 + k));
    const m = motionEvidence(track);
    expect(m.static).toBe(false);
    expect(m.travel).toBeGreaterThan(0.05);
    expect(m.deformation).toBeLessThan(1e-9);
  });

  it('sees a real head (mouth moving, nose turning) as deformation', () => {
    const track = Array.from({ length: 8 }, (_, k) => {
      const l = landmarks(640 + k, 360, 70, (k % 3) * 0.05);
      l.nose = { x: l.nose.x + (k % 2 ? 3 : -3), y: l.nose.y };
      return l;
    });
    expect(motionEvidence(track).deformation).toBeGreaterThan(0.01);
  });

  it('does not call a short track static', () => {
    expect(motionEvidence([landmarks(1, 1, 50), landmarks(1, 1, 50)]).static).toBe(false);
  });
});

describe('presentation-attack report', () => {
  const live = Array.from({ length: 8 }, (_, k) => {
    const l = landmarks(640 + k, 360, 70, (k % 3) * 0.05);
    l.nose = { x: l.nose.x + (k % 2 ? 3 : -3), y: l.nose.y };
    return l;
  });
  const frames = (antispoof: number, liveness: number) => live.map(() => ({ antispoof, liveness }));

  it('is ok with good model scores and natural motion', () => {
    const r = combinePad(frames(0.9, 0.9), live);
    expect(r.level).toBe('ok');
    expect(r.reasons).toEqual([]);
    expect(r.score).toBeGreaterThan(0.8);
  });

  it('is suspect for a static face even when the models say live, with the reason', () => {
    const still = live.map(() => landmarks(640, 360, 70));
    const r = combinePad(frames(0.9, 0.9), still);
    expect(r.level).toBe('suspect');
    expect(r.reasons).toContain('static_face');
  });

  it('reports low model scores and too few frames as reasons', () => {
    const r = combinePad([{ antispoof: 0.1, liveness: 0.2 }], [live[0]!]);
    expect(r.reasons).toEqual(['antispoof_low', 'liveness_low', 'too_few_frames']);
    expect(r.level).toBe('suspect');
  });

  it('says unknown when there is no evidence at all', () => {
    expect(combinePad([], []).level).toBe('unknown');
  });
});

describe('choosing the traveller among several faces', () => {
  const frame = { width: 1280, height: 720, data: new Uint8Array(0) };

  it('takes the large, centred face and reports the others as possible tailgaters', () => {
    const s = selectFace(frame, [det(150, 200, 40), det(640, 360, 80), det(1100, 150, 12)]);
    expect(s.primary!.box.x).toBe(640 - 80);
    expect(s.others).toHaveLength(1); // the 12-pixel face is background, the 40-pixel one is near
  });

  it('prefers a centred face over a slightly larger one at the edge', () => {
    const s = selectFace(frame, [det(60, 60, 84), det(640, 360, 80)]);
    expect(s.primary!.landmarks.nose.x).toBe(640);
  });

  it('ignores low-confidence detections and returns null without a face', () => {
    expect(selectFace(frame, [det(640, 360, 80, 0.3)]).primary).toBeNull();
  });
});
