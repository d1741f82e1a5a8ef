import { DEFAULT_CBOR_LIMITS, type CborLimits } from './cbor/strict-decode.js';

/**
 * Size limits for signed QR credentials. A version-40 QR code holds at most 4,296 alphanumeric
 * characters, so anything longer did not come from a QR code. Real DCCs inflate to 300-700
 * bytes; 64 KiB leaves generous room and still stops a decompression bomb early.
 */
export interface SignedQrLimits {
  maxTextChars: number;
  maxInflatedBytes: number;
  cbor: CborLimits;
}

export const DEFAULT_SIGNED_QR_LIMITS: SignedQrLimits = {
  maxTextChars: 4_296,
  maxInflatedBytes: 64 * 1024,
  cbor: DEFAULT_CBOR_LIMITS,
};
