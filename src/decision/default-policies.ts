import type { Policy } from './types.js';

const MINUTE = 60_000;

/**
 * Starting points for lane configuration; src/settings maps config onto these. The thresholds
 * suit the face/PAD models shipped in models/ and must be re-tuned with `lanectl eval` when the
 * models change (a score threshold only means something for the model that produced the scores).
 */
export const DEFAULT_PEOPLE_POLICY: Readonly<Policy> = Object.freeze<Policy>({
  lane: 'people',
  direction: 'entry',
  requireCredential: true,
  allowedCredentialKinds: ['qr-token', 'signed-qr', 'travel-document', 'border-pass'],
  allowedIssuingStates: null,
  allowedCategories: null,
  requireFace: true,
  faceMatchThreshold: 0.6,
  minFaceQuality: 0.5,
  presentationAttackThreshold: 0.5,
  watchlistFaceThreshold: 0.7,
  // Revocations and watchlists matter most; they must be fresh. Enrolment changes more slowly.
  maxListAgeMs: { credentials: 15 * MINUTE, subjects: 60 * MINUTE, watchlist: 15 * MINUTE },
  requirePlate: false,
  requireRfid: false,
  minPlateConfidence: 0.8,
  maxPlateMatchDistance: 0,
  requireCargoClearance: false,
  labTestCargoClasses: [],
  onMissingFactor: 'deny',
});

export const DEFAULT_VEHICLE_POLICY: Readonly<Policy> = Object.freeze<Policy>({
  lane: 'vehicle',
  direction: 'entry',
  requireCredential: false,
  allowedCredentialKinds: ['qr-token', 'signed-qr', 'travel-document', 'border-pass'],
  allowedIssuingStates: null,
  allowedCategories: null,
  requireFace: false,
  faceMatchThreshold: 0.6,
  minFaceQuality: 0.5,
  presentationAttackThreshold: 0.5,
  watchlistFaceThreshold: 0.7,
  maxListAgeMs: { vehicles: 60 * MINUTE, cargo: 15 * MINUTE, watchlist: 15 * MINUTE },
  requirePlate: true,
  requireRfid: true,
  minPlateConfidence: 0.8,
  // One OCR confusion (0/D, 8/B) is tolerated because the RFID tag must agree anyway.
  maxPlateMatchDistance: 1,
  requireCargoClearance: true,
  labTestCargoClasses: ['fresh-produce', 'food', 'animal-products'],
  // A truck cannot turn round in the lane: hand it to an officer rather than send it back.
  onMissingFactor: 'refer',
});
