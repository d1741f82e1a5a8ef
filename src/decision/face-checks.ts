import { present } from './guards.js';
import type { Finding } from './reason-effects.js';
import type { FaceEvidence, Policy, SubjectFacts } from './types.js';

/** True when the capture itself is good enough to compare (someone in frame, quality met). */
export function isFaceUsable(face: FaceEvidence | null | undefined, policy: Policy): face is FaceEvidence {
  return present(face) && face.faceCount >= 1 && face.quality >= policy.minFaceQuality;
}

/**
 * 1:1 face verification against the subject's enrolled template. Capture problems ask for another
 * capture (collect); a comparison that cannot be trusted or fails goes to an officer (refer).
 * subject is null when the subject is not known (yet): the credential checks report why.
 */
export function checkFace(face: FaceEvidence | null | undefined, subject: SubjectFacts | null, policy: Policy): Finding[] {
  if (!policy.requireFace) return [];
  if (!present(face)) return [{ code: 'FACE_MISSING', factor: 'face' }];
  if (face.faceCount === 0) return [{ code: 'FACE_NOT_DETECTED', factor: 'face' }];
  if (face.quality < policy.minFaceQuality) return [{ code: 'FACE_QUALITY_LOW', factor: 'face' }];
  if (subject === null) return [];
  if (subject.enrolledTemplateModelId === null) return [{ code: 'FACE_TEMPLATE_NOT_ENROLLED' }];
  // Embeddings of different models live in different spaces: their similarity means nothing.
  if (face.modelId !== subject.enrolledTemplateModelId) return [{ code: 'FACE_MODEL_MISMATCH' }];
  if (face.matchScore === null) return [{ code: 'FACE_NOT_COMPARED', factor: 'face' }];
  if (face.matchScore < policy.faceMatchThreshold) return [{ code: 'FACE_BELOW_THRESHOLD' }];
  return [];
}
