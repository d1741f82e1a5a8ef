import { randomBytes } from 'node:crypto';

let lastMs = -1;
let counter = 0;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix ms timestamp, then a 12-bit counter that keeps ids
 * monotonic within one millisecond in this process, then random bits. Sortable by time,
 * which the central system relies on when it de-duplicates by id.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs === lastMs) {
    counter = (counter + 1) & 0xfff;
    if (counter === 0) nowMs = lastMs + 1; // counter wrapped: borrow the next millisecond
  } else if (nowMs < lastMs) {
    nowMs = lastMs; // clock stepped back: stay monotonic
    counter = (counter + 1) & 0xfff;
  } else {
    counter = randomBytes(2).readUInt16BE(0) & 0x7ff; // leave headroom in this millisecond
  }
  lastMs = nowMs;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
