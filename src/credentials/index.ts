/**
 * Public surface of credentials/: parsers and verifiers for what a traveller or a vehicle
 * presents at the lane. Every function returns a result with a stable reason code and never
 * throws on bad input (docs/credentials.md lists the codes).
 */
export { fail, type Failure, type Result } from './result.js';
export { IDENTIFIER_KIND, normaliseDocumentNumber, normaliseEpcHex, type IdentifierHasher, type IdentifierKind } from './identifiers.js';

export {
  normaliseOpaqueToken,
  parseOpaqueToken,
  redeemOpaqueToken,
  type OpaqueTokenReason,
  type RedeemDependencies,
  type TokenRepository,
} from './token/opaque-token.js';

export { classifyQrPayload, type QrPayloadKind } from './qr/classify-qr.js';
export {
  verifySignedQr,
  verifyCoseBytes,
  unprefixDcc,
  DCC_PREFIX,
  type SignedQrReason,
  type SignedQrResult,
  type VerifiedSignedQr,
  type VerifySignedQrOptions,
} from './qr/verify-signed-qr.js';
export { TrustList, trustEntryFromCertificate, kidOfCertificate, allowedTypesFromEku, type TrustEntry, type DccType } from './qr/trust-list.js';
export { DEFAULT_VALIDITY_POLICY, type ValidityPolicy } from './qr/cwt-claims.js';
export { DEFAULT_SIGNED_QR_LIMITS, type SignedQrLimits } from './qr/signed-qr-limits.js';
export { base45Decode, base45Encode } from './qr/base45.js';

export { parseMrz, type MrzResult, type ParsedMrz, type MrzReason, type MrzFieldCode, type ParseMrzOptions } from './mrz/parse-mrz.js';
export { normaliseMrzLines, type MrzInput } from './mrz/normalise-mrz.js';
export { mrzCheckDigit, verifyMrzCheckDigit } from './mrz/check-digit.js';
export { isPossibleMrzDate, mrzYear } from './mrz/mrz-dates.js';

export { decodeEpc, type DecodedEpc, type EpcReason, type EpcScheme, type DecodeEpcOptions } from './rfid/epc.js';
export { decodeTid, type DecodedTid, type TidReason } from './rfid/tid.js';

export { canonicalisePlate, normalisePlateForHash, PLATE_GRAMMARS, type CanonicalPlate, type PlateReason, type CanonicalisePlateOptions } from './plates/canonical-plate.js';
export type { PlateCountry, PlateKind } from './plates/plate-grammar.js';
export { PlateIndex, type PlateMatch, type PlateIndexOptions } from './plates/plate-index.js';
export { plateDistance, OCR_CONFUSION_GROUPS } from './plates/ocr-confusions.js';
export { plateQueryKey } from './plates/plate-text.js';
