import type { Point } from '../image/affine.js';
import { boxIou, type FaceDetection, type FaceLandmarks } from './types.js';

/**
 * Weighted non-maximum suppression (as MediaPipe does for BlazeFace): overlapping candidates
 * are not discarded but averaged, weighted by score, which steadies the box and the landmarks
 * the alignment depends on. The cluster keeps its best score.
 */
export function weightedNms(candidates: readonly FaceDetection[], iouThreshold: number): FaceDetection[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const used = new Array<boolean>(sorted.length).fill(false);
  const out: FaceDetection[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (used[i]) continue;
    const head = sorted[i]!;
    const cluster: FaceDetection[] = [];
    for (let j = i; j < sorted.length; j++) {
      if (used[j]) continue;
      if (j === i || boxIou(head.box, sorted[j]!.box) > iouThreshold) {
        used[j] = true;
        cluster.push(sorted[j]!);
      }
    }
    out.push(blend(cluster));
  }
  return out;
}

function blend(cluster: readonly FaceDetection[]): FaceDetection {
  const head = cluster[0]!;
  if (cluster.length === 1) return head;
  const total = cluster.reduce((s, c) => s + c.score, 0);
  const avg = (get: (c: FaceDetection) => number): number => cluster.reduce((s, c) => s + get(c) * c.score, 0) / total;
  const pt = (get: (l: FaceLandmarks) => Point | undefined): Point | undefined =>
    get(head.landmarks) ? { x: avg((c) => get(c.landmarks)?.x ?? get(head.landmarks)!.x), y: avg((c) => get(c.landmarks)?.y ?? get(head.landmarks)!.y) } : undefined;
  const landmarks: FaceLandmarks = { rightEye: pt((l) => l.rightEye)!, leftEye: pt((l) => l.leftEye)!, nose: pt((l) => l.nose)! };
  const mouth = pt((l) => l.mouth);
  const rightMouth = pt((l) => l.rightMouth);
  const leftMouth = pt((l) => l.leftMouth);
  if (mouth) landmarks.mouth = mouth;
  if (rightMouth) landmarks.rightMouth = rightMouth;
  if (leftMouth) landmarks.leftMouth = leftMouth;
  return {
    box: { x: avg((c) => c.box.x), y: avg((c) => c.box.y), width: avg((c) => c.box.width), height: avg((c) => c.box.height) },
    score: head.score,
    landmarks,
    detector: head.detector,
  };
}
