import { DCC_PREFIX } from './verify-signed-qr.js';

/**
 * What a scanned QR payload claims to be, before any parsing: the lane routes signed
 * credentials to verifySignedQr() and everything else to the opaque-token lookup.
 */
export type QrPayloadKind = 'signed-dcc' | 'opaque-token';

export function classifyQrPayload(text: string): QrPayloadKind {
  return text.startsWith(DCC_PREFIX) ? 'signed-dcc' : 'opaque-token';
}
